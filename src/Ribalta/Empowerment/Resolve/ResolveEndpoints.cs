using System.Security.Claims;
using Microsoft.Extensions.Localization;
using Ribalta.Platform.Csv;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Localization;

namespace Ribalta.Empowerment.Resolve;

/// <summary>Granting on a case within one's envelope, taking grants back, and what managers read of them: usage, export, flags.</summary>
internal static class ResolveEndpoints
{
    public static IEndpointRouteBuilder MapResolve(this IEndpointRouteBuilder app)
    {
        var cases = app.MapGroup("/api/v1/cases/{caseId:long}").WithTags("Empowerment");
        cases.MapGet("/resolve", async (long caseId, EnvelopeHeadroom headroom, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await headroom.OptionsAsync(actor, caseId, ct)).ToHttp(TypedResults.Ok, localizer))
            .RequireAuthorization(Policies.CasesWork).WithSummary("The options this agent may grant this customer now, with what is left of each limit");
        cases.MapPost("/resolutions", async (long caseId, ResolutionRequest request, GrantHandler grant, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await grant.GrantAsync(actor, caseId, request, ct)).ToHttp(r => TypedResults.Created($"/api/v1/cases/{caseId}/grants", r), localizer))
            .RequireAuthorization(Policies.CasesWork)
            .WithSummary("Grant a resolution within the agent's envelope: recorded, told to the customer, logged; above it, 400 with the limits reached (ask for help)");
        cases.MapGet("/grants", async (long caseId, GrantHistory history, CancellationToken ct) => TypedResults.Ok(await history.ForCaseAsync(caseId, ct)))
            .RequireAuthorization(Policies.Staff).WithSummary("What was granted on the case: who, what, how much, why");

        var grants = app.MapGroup("/api/v1/grants").RequireAuthorization(Policies.CasesManage).WithTags("Empowerment");
        grants.MapPost("/{id:long}/reverse", async (long id, ReverseRequest request, ReverseGrantHandler reverse, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await reverse.ReverseAsync(actor, id, request.Reason, ct)).ToHttp(TypedResults.Ok, localizer))
            .WithSummary("Take a grant back, with a reason; it stays on record and no longer counts against any limit");
        app.MapGet("/api/v1/envelopes/usage", UsageAsync).RequireAuthorization(Policies.CasesManage).WithTags("Empowerment")
            .WithSummary("Per option and team: grants and how often a limit stopped an agent (from, to: ISO dates; the last 90 days by default)");
        grants.MapGet("/export", Export)
            .WithSummary("Every grant in a period as CSV (from, to: ISO dates; at most a year): who, what, how much, why, which case, reversals");

        var flags = app.MapGroup("/api/v1/grant-flags").RequireAuthorization(Policies.CasesManage).WithTags("Empowerment");
        flags.MapGet("", async (bool? open, GrantNorms norms, Actor actor, ClaimsPrincipal user, CancellationToken ct) =>
            TypedResults.Ok(await norms.ListAsync(actor.IdAsGuid() ?? Guid.Empty, EmpowermentModule.EveryTeam(user), open ?? true, ct)))
            .WithSummary("Grants far above their team's norm, for a conversation (a lead sees their team's; managers every team's); open=false: the ones talked about");
        flags.MapPost("/{id:long}/discussed", async (long id, DiscussInput input, GrantNorms norms, Actor actor, ClaimsPrincipal user, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await norms.DiscussedAsync(actor, EmpowermentModule.EveryTeam(user), id, input.Note, ct)).ToHttp(TypedResults.Ok, localizer))
            .WithSummary("Note that the conversation happened, in a line; the flag closes");
        return app;
    }

    private static async Task<IResult> UsageAsync(DateOnly? from, DateOnly? to, EnvelopeUsageReport usage, TimeProvider clock, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
        ReportPeriod.Of(from, to, 90, clock) is { } period
            ? TypedResults.Ok(await usage.UsageAsync(period.From, period.To, ct))
            : ReportPeriod.Invalid(localizer);

    private static IResult Export(DateOnly? from, DateOnly? to, GrantHistory history, TimeProvider clock, IStringLocalizer<Strings> localizer, CancellationToken ct)
    {
        if (ReportPeriod.Of(from, to, 30, clock) is not { } period)
        {
            return ReportPeriod.Invalid(localizer);
        }

        // Streamed: rows go out as the database reads them, so a year of grants never sits in memory.
        return TypedResults.Stream(async body =>
        {
            await using var text = CsvWriter.Utf8(body);
            var csv = new CsvWriter(text);
            await csv.HeaderAsync(["Id", "GrantedAt", "CaseId", "CustomerId", "Option", "Kind", "Amount", "Currency", "Quantity", "GrantedBy", "GrantedById", "Reason", "ReversedAt", "ReversalReason"], ct);
            await foreach (var r in history.ExportAsync(period.From, period.To, ct))
            {
                csv.Number(r.Id).Time(r.GrantedAt).Number(r.CaseId).Id(r.CustomerId).Text(r.Option).Text(r.Kind)
                    .Number(r.Amount).Text(r.Currency).Number(r.Quantity).Text(r.GrantedBy).Id(r.GrantedById).Text(r.Reason)
                    .Time(r.ReversedAt).Text(r.ReversalReason);
                await csv.EndRowAsync(ct);
            }
        }, "text/csv; charset=utf-8", $"grants-{period.From:yyyy-MM-dd}-{period.To:yyyy-MM-dd}.csv");
    }
}
