using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Ribalta.Customers.Contracts;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Localization;

namespace Ribalta.Customers.Segments;

public sealed record CreateSegmentRequest(string? Name, string? Description);

/// <summary><c>/api/v1/segments</c>: the named groups customers can be put in.</summary>
internal static class SegmentEndpoints
{
    public static IEndpointRouteBuilder MapSegments(this IEndpointRouteBuilder app)
    {
        var segments = app.MapGroup("/api/v1/segments").RequireAuthorization(Policies.Staff).WithTags("Customers");
        segments.MapGet("", ListSegments);
        segments.MapPost("", CreateSegment).RequireAuthorization(Policies.CustomersManage);
        return app;
    }

    private static async Task<Ok<IReadOnlyList<SegmentDto>>> ListSegments(SegmentCatalogue catalogue, CancellationToken ct) =>
        TypedResults.Ok(await catalogue.ListAsync(ct));

    private static async Task<Results<Created<SegmentDto>, ValidationProblem, ProblemHttpResult>> CreateSegment(
        CreateSegmentRequest request,
        SegmentCatalogue catalogue,
        Actor actor,
        IStringLocalizer<Strings> localizer,
        CancellationToken ct) =>
        (await catalogue.CreateAsync(actor, request.Name, request.Description, ct))
            .ToHttp(s => TypedResults.Created($"/api/v1/segments/{s.Id}", s), localizer);
}
