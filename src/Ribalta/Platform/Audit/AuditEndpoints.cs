using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Localization;

namespace Ribalta.Platform.Audit;

/// <summary><c>/api/v1/audit</c>: the event log, filtered and paged newest first, for those who may read it.</summary>
internal static class AuditEndpoints
{
    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/audit", AuditLog).RequireAuthorization(Policies.AuditRead).WithTags("Audit");
        return app;
    }

    private static async Task<Results<Ok<AuditPage>, ValidationProblem>> AuditLog(
        AuditQueries audit,
        IStringLocalizer<Strings> localizer,
        string? type,
        string? actor,
        string? subject,
        DateTimeOffset? from,
        DateTimeOffset? to,
        long? before,
        int? limit,
        CancellationToken ct)
    {
        if (from is not null && to is not null && from > to)
        {
            return Error.Validation("from", "Validation.RangeInverted").ToValidationProblem(localizer);
        }

        return TypedResults.Ok(await audit.SearchAsync(new AuditFilter(type, actor, subject, from, to, before, limit ?? 50), ct));
    }
}
