using Microsoft.AspNetCore.Http.HttpResults;
using Ribalta.Platform.Identity;

namespace Ribalta.Platform.Projections;

/// <summary><c>/api/v1/projections</c>: administrators see how far each projection has read the log and how far behind it is.</summary>
internal static class ProjectionEndpoints
{
    public static IEndpointRouteBuilder MapProjections(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/projections", async Task<Ok<IReadOnlyList<ProjectionStatus>>> (ProjectionBoard board, CancellationToken ct) => TypedResults.Ok(await board.ListAsync(ct)))
            .RequireAuthorization(Policies.StaffAdmin).WithTags("Operations")
            .WithSummary("The projections: the last event each has handled, the last in the log, and how many seconds behind it is");
        return app;
    }
}
