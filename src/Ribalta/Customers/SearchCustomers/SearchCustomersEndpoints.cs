using Microsoft.AspNetCore.Http.HttpResults;
using Ribalta.Customers.Contracts;

namespace Ribalta.Customers.SearchCustomers;

internal static class SearchCustomersEndpoints
{
    /// <summary>On the customers group (<c>/api/v1/customers</c>, any member of staff).</summary>
    public static IEndpointRouteBuilder MapSearchCustomers(this IEndpointRouteBuilder customers)
    {
        customers.MapGet("", Search).WithName("SearchCustomers");
        return customers;
    }

    private static async Task<Ok<CustomerPage>> Search(
        CustomerSearch search,
        string? q,
        Guid? segment,
        RelationshipType? relationship,
        string? language,
        string? after,
        int? limit,
        CancellationToken ct) =>
        TypedResults.Ok(await search.SearchAsync(new CustomerQuery(q, segment, relationship, language, after, limit ?? 50), ct));
}
