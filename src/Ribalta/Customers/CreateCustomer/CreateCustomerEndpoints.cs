using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Ribalta.Customers.Contracts;
using Ribalta.Customers.Domain;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Localization;
using Ribalta.Platform.Web;

namespace Ribalta.Customers.CreateCustomer;

internal static class CreateCustomerEndpoints
{
    /// <summary>On the customers group (<c>/api/v1/customers</c>, any member of staff).</summary>
    public static IEndpointRouteBuilder MapCreateCustomer(this IEndpointRouteBuilder customers)
    {
        customers.MapPost("", Create).RequireAuthorization(Policies.CustomersWrite);
        return customers;
    }

    private static async Task<Results<Created<CustomerDetails>, ValidationProblem, ProblemHttpResult>> Create(
        CustomerInput input,
        CreateCustomerHandler handler,
        Actor actor,
        HttpContext http,
        IStringLocalizer<Strings> localizer,
        CancellationToken ct) =>
        (await handler.HandleAsync(actor, input, ct)).WithETag(http.Response, c => c.Version)
            .ToHttp(c => TypedResults.Created($"/api/v1/customers/{c.Id}", c), localizer);
}
