using Microsoft.Extensions.Localization;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Localization;

namespace Ribalta.Empowerment.Help;

internal static class HelpEndpoints
{
    public static IEndpointRouteBuilder MapHelp(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/cases/{caseId:long}/help-requests", async (long caseId, HelpRequestInput input, AskHelpHandler help, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await help.AskAsync(actor, caseId, input, ct)).ToHttp(r => TypedResults.Created($"/api/v1/help-requests/{r.Id}", r), localizer))
            .RequireAuthorization(Policies.CasesWork).WithTags("Empowerment")
            .WithSummary("Ask a colleague (helperId) or a department (departmentId) for help on a case: a question, or a decision above the envelope or outside the catalogue (with the proposed lines)");
        app.MapGet("/api/v1/cases/{caseId:long}/help-requests", async (long caseId, HelpQueue help, CancellationToken ct) => TypedResults.Ok(await help.ForCaseAsync(caseId, ct)))
            .RequireAuthorization(Policies.Staff).WithTags("Empowerment").WithSummary("The help asked on a case, newest first: who helps, the answer");

        var requests = app.MapGroup("/api/v1/help-requests").RequireAuthorization(Policies.CasesWork).WithTags("Empowerment");
        requests.MapGet("", async Task<IResult> (string? box, bool? open, HelpQueue help, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
        {
            if (actor.IdAsGuid() is not { } me)
            {
                return Error.Forbidden().ToProblem(localizer);
            }

            return box switch
            {
                null or "" or "mine" => TypedResults.Ok(await help.AskedOfAsync(me, open ?? true, ct)),
                "asked" => TypedResults.Ok(await help.AskedByAsync(me, ct)),
                _ => Error.Validation("box", "Validation.HelpBox").ToValidationProblem(localizer),
            };
        }).WithSummary("box=mine (default): what waits for my help, soonest due first (open=false: what I answered); box=asked: what I asked");
        requests.MapGet("/helpers", async (HelpQueue help, Actor actor, CancellationToken ct) =>
            TypedResults.Ok(await help.HelpersAsync(actor.IdAsGuid() ?? Guid.Empty, ct)))
            .WithSummary("Whom I can ask: people (leads and managers of my team first) and departments");
        requests.MapPost("/{id:long}/take", async (long id, TakeHelpHandler help, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await help.TakeAsync(actor, id, ct)).ToHttp(TypedResults.Ok, localizer))
            .WithSummary("Take a request made to my department: I become its helper and join the case");
        requests.MapPost("/{id:long}/answer", async (long id, HelpAnswerInput input, AnswerHelpHandler help, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await help.AnswerAsync(actor, id, input, ct)).ToHttp(TypedResults.Ok, localizer))
            .WithSummary("Answer: approve (granted under my envelope, told to the customer by the agent), decline, or answer a question; always with words");
        requests.MapPost("/{id:long}/withdraw", async (long id, WithdrawHelpHandler help, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await help.WithdrawAsync(actor, id, ct)).ToHttp(TypedResults.Ok, localizer))
            .WithSummary("The asker no longer needs the help");
        app.MapGet("/api/v1/help-requests/report", async Task<IResult> (DateOnly? from, DateOnly? to, HelpReport help, TimeProvider clock, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            ReportPeriod.Of(from, to, 90, clock) is { } p
                ? TypedResults.Ok(await help.ReportAsync(p.From, p.To, ct))
                : ReportPeriod.Invalid(localizer))
            .RequireAuthorization(Policies.CasesManage).WithTags("Empowerment")
            .WithSummary("Help asked (from, to: ISO dates; the last 90 days by default): per reason, per helper (time to answer, within target), per option (how many a reasonable envelope would have covered)");
        return app;
    }
}
