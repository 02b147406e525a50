using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Ribalta.Empowerment.Catalogue;
using Ribalta.Empowerment.Envelopes;
using Ribalta.Empowerment.Help;
using Ribalta.Empowerment.Kindness;
using Ribalta.Empowerment.Promises;
using Ribalta.Empowerment.Resolve;
using Ribalta.Platform;
using Ribalta.Platform.Csv;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Localization;
using Ribalta.Platform.Notifications;

namespace Ribalta.Empowerment;

/// <summary>What the front line may decide for the customer: resolution options, authority envelopes, grants.</summary>
public static class EmpowermentModule
{
    /// <summary>[from, to) from optional ISO dates: by default the last <paramref name="days"/> up to today; at most 366 days.</summary>
    internal static (DateTimeOffset From, DateTimeOffset To)? Period(DateOnly? from, DateOnly? to, int days, TimeProvider clock)
    {
        var until = to ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(1);
        var since = from ?? until.AddDays(-days);
        return since >= until || until.DayNumber - since.DayNumber > 366
            ? null
            : (new DateTimeOffset(since.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), new DateTimeOffset(until.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
    }

    private static async Task<IResult> UsageAsync(DateOnly? from, DateOnly? to, EnvelopeUsageReport usage, TimeProvider clock, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
        Period(from, to, 90, clock) is { } period
            ? TypedResults.Ok(await usage.UsageAsync(period.From, period.To, ct))
            : Error.Validation("from", "Validation.ExportPeriod", 366).ToValidationProblem(localizer);

    private static IResult Export(DateOnly? from, DateOnly? to, GrantHistory history, TimeProvider clock, IStringLocalizer<Strings> localizer, CancellationToken ct)
    {
        if (Period(from, to, 30, clock) is not { } period)
        {
            return Error.Validation("from", "Validation.ExportPeriod", 366).ToValidationProblem(localizer);
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

    /// <summary>Managers and admins see every team's flags; a team lead their own team's.</summary>
    internal static bool EveryTeam(System.Security.Claims.ClaimsPrincipal user) => user.IsInRole(StaffRoles.Manager) || user.IsInRole(StaffRoles.Admin) || user.IsInRole(Platform.Integrations.ApiKeyAuthenticationHandler.AdminRole);

    public static IServiceCollection AddEmpowerment(this IServiceCollection services)
    {
        services.AddOptions<EmpowermentOptions>().BindConfiguration(EmpowermentOptions.Section)
            .Validate(o => TimeZoneInfo.TryFindSystemTimeZoneById(o.TimeZone, out _), "Empowerment:TimeZone must be an IANA time zone such as Europe/Rome")
            .Validate(o => o.HelpDecisionMinutes is > 0 and <= 43_200 && o.HelpQuestionMinutes is > 0 and <= 43_200,
                "Empowerment:HelpDecisionMinutes and HelpQuestionMinutes must be between 1 and 43200 (30 days)")
            .Validate(o => o.ReasonableReach is >= 1 and <= 100, "Empowerment:ReasonableReach must be between 1 and 100")
            .Validate(o => o.PromiseDueSoonHours is >= 1 and <= 720, "Empowerment:PromiseDueSoonHours must be between 1 and 720")
            .Validate(o => o.PromiseCheckSeconds is >= 1 and <= 3600, "Empowerment:PromiseCheckSeconds must be between 1 and 3600")
            .Validate(o => o.NormFactor is >= 1 and <= 100 && o.NormMinSample is >= 1 and <= 500, "Empowerment:NormFactor must be between 1 and 100 and NormMinSample between 1 and 500")
            .ValidateOnStart();
        services.AddScoped<ResolutionCatalogue>();
        services.AddScoped<EnvelopeRules>();
        services.AddScoped<EnvelopeLedgers>();
        services.AddScoped<EnvelopeHeadroom>();
        services.AddScoped<GrantHandler>();
        services.AddScoped<ReverseGrantHandler>();
        services.AddScoped<GrantHistory>();
        services.AddScoped<EnvelopeUsageReport>();
        services.AddScoped<GrantNorms>();
        services.AddSingleton<TeamNormCache>();
        services.AddScoped<Kindness.KindnessHandler>();
        services.AddScoped<Kindness.KindnessBudgets>();
        services.AddScoped<Kindness.ImportantMoments>();
        services.AddSingleton(new Cases.Contracts.CasePanel(typeof(Kindness.KindnessPanel), 30));
        services.AddSingleton(new Customers.Contracts.CustomerPanel(typeof(Kindness.KindnessPanel), 10));
        services.AddSingleton(new Cases.Contracts.InboxPanel(typeof(Kindness.KindnessInboxPanel), 40));
        services.AddScoped<AskHelpHandler>();
        services.AddScoped<TakeHelpHandler>();
        services.AddScoped<AnswerHelpHandler>();
        services.AddScoped<WithdrawHelpHandler>();
        services.AddScoped<HelpQueue>();
        services.AddScoped<HelpReport>();
        services.AddScoped<Promises.PromiseLedger>();
        services.AddScoped<Promises.DuePromises>();
        services.AddScoped<Promises.PromiseReport>();
        services.AddJob<Promises.PromiseMonitor>();
        services.AddJob<Promises.PromiseReminder>().AddNotificationKind(Promises.PromiseReminder.Kind, 50);
        services.AddNotificationSource<HelpNotifications>().AddNotificationKind(HelpNotifications.Asked, 10).AddNotificationKind(HelpNotifications.Answered, 20);
        services.AddSingleton(new Cases.Contracts.CasePanel(typeof(ResolvePanel), 10));
        services.AddSingleton(new Cases.Contracts.InboxPanel(typeof(HelpInboxPanel), 10));
        services.AddSingleton(new Cases.Contracts.InboxPanel(typeof(Promises.PromiseInboxPanel), 20));
        services.AddSingleton(new Cases.Contracts.InboxPanel(typeof(GrantFlagsPanel), 30));
        services.AddSingleton(new Cases.Contracts.CasePanel(typeof(Promises.PromisePanel), 20));
        return services;
    }

    public static IEndpointRouteBuilder MapEmpowerment(this IEndpointRouteBuilder app)
    {
        var options = app.MapGroup("/api/v1/resolution-options").RequireAuthorization(Policies.Staff).WithTags("Empowerment");
        options.MapGet("", async (ResolutionCatalogue catalogue, CancellationToken ct) => TypedResults.Ok(await catalogue.ListAsync(ct)))
            .WithSummary("The catalogue of resolution options");
        options.MapPost("", async (ResolutionOptionInput input, ResolutionCatalogue catalogue, HttpContext http, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await catalogue.SaveAsync(Actor.From(http.User), null, input, ct)).ToHttp(o => TypedResults.Created($"/api/v1/resolution-options/{o.Id}", o), localizer))
            .RequireAuthorization(Policies.CasesManage).WithSummary("Add a resolution option (names per language; money, days, items or an exception)");
        options.MapPut("/{id:guid}", async (Guid id, ResolutionOptionInput input, ResolutionCatalogue catalogue, HttpContext http, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await catalogue.SaveAsync(Actor.From(http.User), id, input, ct)).ToHttp(TypedResults.Ok, localizer))
            .RequireAuthorization(Policies.CasesManage).WithSummary("Change a resolution option, or turn it off");

        var envelopes = app.MapGroup("/api/v1/envelope-rules").RequireAuthorization(Policies.Staff).WithTags("Empowerment");
        envelopes.MapGet("", async (EnvelopeRules rules, CancellationToken ct) => TypedResults.Ok(await rules.ListAsync(ct)))
            .WithSummary("Who may grant what without asking");
        envelopes.MapPost("", async (EnvelopeRuleInput input, EnvelopeRules rules, HttpContext http, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await rules.SaveAsync(Actor.From(http.User), null, input, ct)).ToHttp(r => TypedResults.Created($"/api/v1/envelope-rules/{r.Id}", r), localizer))
            .RequireAuthorization(Policies.CasesManage).WithSummary("Add an envelope rule: an option, a role (optionally a team, segment or tenure), its limits per currency");
        envelopes.MapPut("/{id:guid}", async (Guid id, EnvelopeRuleInput input, EnvelopeRules rules, HttpContext http, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await rules.SaveAsync(Actor.From(http.User), id, input, ct)).ToHttp(TypedResults.Ok, localizer))
            .RequireAuthorization(Policies.CasesManage);
        envelopes.MapDelete("/{id:guid}", async (Guid id, EnvelopeRules rules, HttpContext http, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await rules.RemoveAsync(Actor.From(http.User), id, ct)).ToHttp(_ => TypedResults.NoContent(), localizer))
            .RequireAuthorization(Policies.CasesManage);

        var cases = app.MapGroup("/api/v1/cases/{caseId:long}").WithTags("Empowerment");
        cases.MapGet("/resolve", async (long caseId, EnvelopeHeadroom headroom, HttpContext http, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await headroom.OptionsAsync(Actor.From(http.User), caseId, ct)).ToHttp(TypedResults.Ok, localizer))
            .RequireAuthorization(Policies.CasesWork).WithSummary("The options this agent may grant this customer now, with what is left of each limit");
        cases.MapPost("/resolutions", async (long caseId, ResolutionRequest request, GrantHandler grant, HttpContext http, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await grant.GrantAsync(Actor.From(http.User), caseId, request, ct)).ToHttp(r => TypedResults.Created($"/api/v1/cases/{caseId}/grants", r), localizer))
            .RequireAuthorization(Policies.CasesWork)
            .WithSummary("Grant a resolution within the agent's envelope: recorded, told to the customer, logged; above it, 400 with the limits reached (ask for help)");
        cases.MapGet("/grants", async (long caseId, GrantHistory history, CancellationToken ct) => TypedResults.Ok(await history.ForCaseAsync(caseId, ct)))
            .RequireAuthorization(Policies.Staff).WithSummary("What was granted on the case: who, what, how much, why");

        var grants = app.MapGroup("/api/v1/grants").RequireAuthorization(Policies.CasesManage).WithTags("Empowerment");
        grants.MapPost("/{id:long}/reverse", async (long id, ReverseRequest request, ReverseGrantHandler reverse, HttpContext http, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await reverse.ReverseAsync(Actor.From(http.User), id, request.Reason, ct)).ToHttp(TypedResults.Ok, localizer))
            .WithSummary("Take a grant back, with a reason; it stays on record and no longer counts against any limit");
        app.MapGet("/api/v1/envelopes/usage", UsageAsync).RequireAuthorization(Policies.CasesManage).WithTags("Empowerment")
            .WithSummary("Per option and team: grants and how often a limit stopped an agent (from, to: ISO dates; the last 90 days by default)");
        grants.MapGet("/export", Export)
            .WithSummary("Every grant in a period as CSV (from, to: ISO dates; at most a year): who, what, how much, why, which case, reversals");
        var flags = app.MapGroup("/api/v1/grant-flags").RequireAuthorization(Policies.CasesManage).WithTags("Empowerment");
        flags.MapGet("", async (bool? open, GrantNorms norms, HttpContext http, CancellationToken ct) =>
            TypedResults.Ok(await norms.ListAsync(Guid.TryParse(Actor.From(http.User).Id, out var me) ? me : Guid.Empty, EveryTeam(http.User), open ?? true, ct)))
            .WithSummary("Grants far above their team's norm, for a conversation (a lead sees their team's; managers every team's); open=false: the ones talked about");
        flags.MapPost("/{id:long}/discussed", async (long id, DiscussInput input, GrantNorms norms, HttpContext http, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await norms.DiscussedAsync(Actor.From(http.User), EveryTeam(http.User), id, input.Note, ct)).ToHttp(TypedResults.Ok, localizer))
            .WithSummary("Note that the conversation happened, in a line; the flag closes");
        app.MapHelp(Period);
        app.MapKindness();
        app.MapPromises(Period);
        return app;
    }
}
