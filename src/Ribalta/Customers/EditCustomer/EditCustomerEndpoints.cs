using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Ribalta.Customers.Contracts;
using Ribalta.Customers.Domain;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Localization;
using Ribalta.Platform.Web;

namespace Ribalta.Customers.EditCustomer;

internal static class EditCustomerEndpoints
{
    /// <summary>On the customers group (<c>/api/v1/customers</c>, any member of staff).</summary>
    public static IEndpointRouteBuilder MapEditCustomer(this IEndpointRouteBuilder customers)
    {
        customers.MapPut("/{id:guid}", Edit).RequireAuthorization(Policies.CustomersWrite);
        return customers;
    }

    /// <summary>Requires <c>If-Match</c> with the ETag that was read, so two editors never silently overwrite each other.</summary>
    private static Task<Results<Ok<CustomerDetails>, ValidationProblem, ProblemHttpResult>> Edit(
        Guid id,
        CustomerInput input,
        [FromHeader(Name = "If-Match")] string? ifMatch,
        EditCustomerHandler handler,
        Actor actor,
        HttpContext http,
        IStringLocalizer<Strings> localizer,
        CancellationToken ct) =>
        ETags.WriteIfMatchAsync(ifMatch, http.Response, localizer, read => handler.HandleAsync(actor, id, read, input, ct), c => c.Version);
}
