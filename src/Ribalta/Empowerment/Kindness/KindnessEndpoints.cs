using System.Security.Claims;
using Microsoft.Extensions.Localization;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Localization;

namespace Ribalta.Empowerment.Kindness;

internal static class KindnessEndpoints
{
    public static IEndpointRouteBuilder MapKindness(this IEndpointRouteBuilder app)
    {
        var customer = app.MapGroup("/api/v1/customers/{customerId:guid}").WithTags("Empowerment");
        customer.MapPost("/gestures", async (Guid customerId, GestureInput input, KindnessHandler kindness, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await kindness.PlanAsync(actor, customerId, input, ct)).ToHttp(g => TypedResults.Created($"/api/v1/gestures/{g.Id}", g), localizer))
            .RequireAuthorization(Policies.CasesWork)
            .WithSummary("Plan a gesture of goodwill for the customer (kind, what, the day; optionally a cost from the team's monthly kindness budget, and the case)");
        customer.MapGet("/gestures", async (Guid customerId, KindnessHandler kindness, CancellationToken ct) => TypedResults.Ok(await kindness.ForCustomerAsync(customerId, ct)))
            .RequireAuthorization(Policies.Staff).WithSummary("Gestures planned and done for the customer, newest first");
        customer.MapPost("/moments", async (Guid customerId, MomentInput input, ImportantMoments kindness, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await kindness.NoteMomentAsync(actor, customerId, input, ct)).ToHttp(m => TypedResults.Created($"/api/v1/moments/{m.Id}", m), localizer))
            .RequireAuthorization(Policies.CasesWork).WithSummary("Note an important moment in the customer's life (a date, yearly or once), to be remembered a few days before");
        customer.MapGet("/moments", async (Guid customerId, ImportantMoments kindness, CancellationToken ct) => TypedResults.Ok(await kindness.MomentsAsync(customerId, ct)))
            .RequireAuthorization(Policies.Staff).WithSummary("The customer's important moments, with when each comes round next");

        var gestures = app.MapGroup("/api/v1/gestures").RequireAuthorization(Policies.CasesWork).WithTags("Empowerment");
        gestures.MapGet("", async Task<IResult> (string? view, KindnessHandler kindness, Actor actor, ClaimsPrincipal user, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
        {
            var me = actor.IdAsGuid() ?? Guid.Empty;
            return view switch
            {
                null or "" or "planned" => TypedResults.Ok(await kindness.PlannedAsync(me, ct)),
                "feed" => TypedResults.Ok(await kindness.FeedAsync(me, EmpowermentModule.EveryTeam(user), ct)),
                _ => Error.Validation("view", "Validation.GestureView").ToValidationProblem(localizer),
            };
        }).WithSummary("view=planned (default): my team's gestures still to do, soonest first; view=feed: the recognition feed of gestures done");
        gestures.MapPost("/{id:long}/done", async (long id, GestureDoneInput input, KindnessHandler kindness, Actor actor, ClaimsPrincipal user, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await kindness.DoneAsync(actor, EmpowermentModule.EveryTeam(user), id, input.Note, ct)).ToHttp(TypedResults.Ok, localizer))
            .WithSummary("Done, with what happened: on the customer's timeline and in the team's recognition feed");
        gestures.MapPost("/{id:long}/cancel", async (long id, KindnessHandler kindness, Actor actor, ClaimsPrincipal user, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await kindness.CancelAsync(actor, EmpowermentModule.EveryTeam(user), id, ct)).ToHttp(TypedResults.Ok, localizer))
            .WithSummary("Not going to happen; its cost goes back to the team's budget");

        app.MapDelete("/api/v1/moments/{id:long}", async (long id, ImportantMoments kindness, Actor actor, ClaimsPrincipal user, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await kindness.ForgetMomentAsync(actor, EmpowermentModule.EveryTeam(user), id, ct)).ToHttp(_ => TypedResults.NoContent(), localizer))
            .RequireAuthorization(Policies.CasesWork).WithTags("Empowerment");
        app.MapGet("/api/v1/moments/upcoming", async (ImportantMoments kindness, Actor actor, CancellationToken ct) =>
            TypedResults.Ok(await kindness.UpcomingAsync(actor.IdAsGuid() ?? Guid.Empty, ct)))
            .RequireAuthorization(Policies.CasesWork).WithTags("Empowerment").WithSummary("Moments of my team's customers coming round within their reminder window");

        var budgets = app.MapGroup("/api/v1/kindness-budgets").RequireAuthorization(Policies.Staff).WithTags("Empowerment");
        budgets.MapGet("", async (KindnessBudgets kindness, CancellationToken ct) => TypedResults.Ok(await kindness.BudgetsAsync(ct)))
            .WithSummary("Each team's monthly kindness budget this month: per currency, what it may spend, what is planned or spent, what is left");
        budgets.MapPut("/{departmentId:guid}", async (Guid departmentId, BudgetInput input, KindnessBudgets kindness, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await kindness.SetBudgetAsync(actor, departmentId, input, ct)).ToHttp(TypedResults.Ok, localizer))
            .RequireAuthorization(Policies.CasesManage).WithSummary("Set a team's monthly kindness budget, one amount per currency");
        return app;
    }
}
