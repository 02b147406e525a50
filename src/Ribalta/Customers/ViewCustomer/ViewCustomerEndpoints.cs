using Microsoft.AspNetCore.Http.HttpResults;
using Ribalta.Customers.Contracts;
using Ribalta.Platform.Web;

namespace Ribalta.Customers.ViewCustomer;

internal static class ViewCustomerEndpoints
{
    /// <summary>On the customers group (<c>/api/v1/customers</c>, any member of staff).</summary>
    public static IEndpointRouteBuilder MapViewCustomer(this IEndpointRouteBuilder customers)
    {
        customers.MapGet("/{id:guid}", Get).WithName("GetCustomer");
        customers.MapGet("/{id:guid}/timeline", Timeline);
        return customers;
    }

    private static async Task<Results<Ok<CustomerDetails>, NotFound>> Get(Guid id, CustomerReader reader, HttpContext http, CancellationToken ct)
    {
        var customer = await reader.FindAsync(id, ct);
        if (customer is null)
        {
            return TypedResults.NotFound();
        }

        http.Response.Headers.ETag = ETags.Format(customer.Version);
        return TypedResults.Ok(customer);
    }

    private static async Task<Results<Ok<TimelinePage>, NotFound>> Timeline(Guid id, long? before, CustomerReader reader, CancellationToken ct) =>
        await reader.TimelineAsync(id, before, ct) is { } page ? TypedResults.Ok(page) : TypedResults.NotFound();
}
