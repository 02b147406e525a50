using System.Security.Claims;
using Microsoft.Extensions.Localization;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Localization;

namespace Ribalta.Empowerment.Promises;

internal static class PromiseEndpoints
{
    /// <summary>Managers and admins act on anyone's promise, team leads on their team's; everyone on their own.</summary>
    public static PromiseAuthority AuthorityOf(ClaimsPrincipal user) =>
        EmpowermentModule.EveryTeam(user) ? PromiseAuthority.EveryTeam : user.IsInRole(StaffRoles.TeamLead) ? PromiseAuthority.LeadsTeam : PromiseAuthority.Own;

    public static IEndpointRouteBuilder MapPromises(this IEndpointRouteBuilder app)
    {
        var onCase = app.MapGroup("/api/v1/cases/{caseId:long}").WithTags("Empowerment");
        onCase.MapPost("/promises", async (long caseId, PromiseInput input, PromiseLedger ledger, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await ledger.MakeAsync(actor, caseId, input, ct)).ToHttp(p => TypedResults.Created($"/api/v1/promises/{p.Id}", p), localizer))
            .RequireAuthorization(Policies.CasesWork)
            .WithSummary("Record a promise made to the customer: kind, the words used, when it is due (ISO time with offset), optionally the reply it was made in, its owner and the department that keeps it");
        onCase.MapGet("/promises", async (long caseId, PromiseLedger ledger, CancellationToken ct) => TypedResults.Ok(await ledger.ForCaseAsync(caseId, ct)))
            .RequireAuthorization(Policies.Staff).WithSummary("The promises made on a case, newest first: kept, broken (and whether the customer was told), open");
        onCase.MapGet("/promise-sentences", async (long caseId, PromiseLedger ledger, CancellationToken ct) => TypedResults.Ok(await ledger.SentencesAsync(caseId, ct)))
            .RequireAuthorization(Policies.CasesWork).WithSummary("The sentences of the latest replies, to mark one as a promise");

        var promises = app.MapGroup("/api/v1/promises").RequireAuthorization(Policies.CasesWork).WithTags("Empowerment");
        promises.MapGet("", async Task<IResult> (bool? open, bool? dueSoon, PromiseLedger ledger, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
        {
            if (actor.IdAsGuid() is not { } me)
            {
                return Error.Forbidden().ToProblem(localizer);
            }

            return TypedResults.Ok(dueSoon == true ? await ledger.DueSoonAsync(me, ct) : await ledger.OwnedByAsync(me, open ?? true, ct));
        }).WithSummary("My promises: still owed, soonest due first (open=false: settled; dueSoon=true: what my inbox shows)");
        promises.MapPost("/{id:long}/keep", async (long id, PromiseLedger ledger, Actor actor, ClaimsPrincipal user, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await ledger.KeepAsync(actor, AuthorityOf(user), id, ct)).ToHttp(TypedResults.Ok, localizer))
            .WithSummary("Done: kept (after its due time it stays broken and is marked kept late)");
        promises.MapPost("/{id:long}/release", async (long id, ReleaseInput input, PromiseLedger ledger, Actor actor, ClaimsPrincipal user, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await ledger.ReleaseAsync(actor, AuthorityOf(user), id, input.Reason, ct)).ToHttp(TypedResults.Ok, localizer))
            .WithSummary("No longer owed (the customer changed their mind), with the reason; counts neither kept nor broken");
        app.MapGet("/api/v1/promises/report", async Task<IResult> (DateOnly? from, DateOnly? to, string? by, PromiseReport ledger, TimeProvider clock, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
        {
            if (by is not null && !PromiseReport.ReportBy.Contains(by))
            {
                return Error.Validation("by", "Validation.PromiseReportBy").ToValidationProblem(localizer);
            }

            return ReportPeriod.Of(from, to, 90, clock) is { } p
                ? TypedResults.Ok(await ledger.ReportAsync(p.From, p.To, by ?? "agent", ct))
                : ReportPeriod.Invalid(localizer);
        }).RequireAuthorization(Policies.CasesManage).WithTags("Empowerment")
            .WithSummary("Promise-keeping rate (kept on time ÷ due) over promises due in the period (from, to: ISO dates; the last 90 days by default), by agent, team, department or kind, and per week");
        return app;
    }
}
