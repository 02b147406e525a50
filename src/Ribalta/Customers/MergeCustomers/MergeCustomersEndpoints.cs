using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Ribalta.Customers.Contracts;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Localization;

namespace Ribalta.Customers.MergeCustomers;

public sealed record MergeRequest(Guid SourceId);

internal static class MergeCustomersEndpoints
{
    /// <summary>On the customers group (<c>/api/v1/customers</c>, any member of staff).</summary>
    public static IEndpointRouteBuilder MapMergeCustomers(this IEndpointRouteBuilder customers)
    {
        customers.MapPost("/{id:guid}/merge", Merge).RequireAuthorization(Policies.CustomersManage);
        return customers;
    }

    private static async Task<Results<Ok<CustomerDetails>, ValidationProblem, ProblemHttpResult>> Merge(
        Guid id,
        MergeRequest request,
        MergeCustomersHandler handler,
        Actor actor,
        IStringLocalizer<Strings> localizer,
        CancellationToken ct) =>
        (await handler.HandleAsync(actor, id, request.SourceId, ct)).ToHttp(TypedResults.Ok, localizer);
}
