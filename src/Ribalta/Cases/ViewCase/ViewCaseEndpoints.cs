using Microsoft.AspNetCore.Http.HttpResults;
using Ribalta.Cases.Contracts;
using Ribalta.Platform.Web;

namespace Ribalta.Cases.ViewCase;

internal static class ViewCaseEndpoints
{
    /// <summary>On the cases group (<c>/api/v1/cases</c>, any member of staff).</summary>
    public static IEndpointRouteBuilder MapViewCase(this IEndpointRouteBuilder cases)
    {
        cases.MapGet("/{id:long}", Get);
        cases.MapGet("/{id:long}/messages", Messages);
        return cases;
    }

    /// <summary>The case with its version as the ETag, for the <c>If-Match</c> of the next update.</summary>
    private static async Task<Results<Ok<CaseDetails>, NotFound>> Get(long id, CaseReader reader, HttpContext http, CancellationToken ct)
    {
        var details = await reader.FindAsync(id, CaseViewer.Staff, ct);
        if (details is null)
        {
            return TypedResults.NotFound();
        }

        http.Response.Headers.ETag = ETags.Format(details.Version);
        return TypedResults.Ok(details);
    }

    private static async Task<Results<Ok<MessagePage>, NotFound>> Messages(long id, long? after, int? limit, CaseReader reader, CancellationToken ct) =>
        await reader.MessagesAsync(id, CaseViewer.Staff, after, limit ?? CaseReader.MessagePageSize, ct) is { } page ? TypedResults.Ok(page) : TypedResults.NotFound();
}
