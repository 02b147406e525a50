using Microsoft.AspNetCore.Http.HttpResults;
using Ribalta.Platform.Identity;

namespace Ribalta.Cases.Search;

internal static class SearchEndpoints
{
    public static IEndpointRouteBuilder MapSearch(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/search", Search).RequireAuthorization(Policies.Staff).WithTags("Search");
        return app;
    }

    /// <summary>Messages and subjects (newest first, keyset by message id) and, on the first page, matching customers.</summary>
    private static async Task<Ok<SearchResults>> Search(string? q, long? before, int? limit, MessageSearch search, CancellationToken ct) =>
        TypedResults.Ok(await search.SearchAsync(q, before, limit ?? 25, ct));
}
