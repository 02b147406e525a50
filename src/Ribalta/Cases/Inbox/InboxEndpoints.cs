using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Ribalta.Cases.Contracts;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Localization;

namespace Ribalta.Cases.Inbox;

internal static class InboxEndpoints
{
    /// <summary>The inbox's views and counts on the cases group (<c>/api/v1/cases</c>, any member of staff), and each person's saved filters.</summary>
    public static IEndpointRouteBuilder MapInbox(this IEndpointRouteBuilder app, IEndpointRouteBuilder cases)
    {
        cases.MapGet("", List);
        cases.MapGet("/counts", Counts);

        var filters = app.MapGroup("/api/v1/saved-filters").RequireAuthorization(Policies.Staff).WithTags("Cases");
        filters.MapGet("", async (SavedFilters saved, Actor actor, CancellationToken ct) => TypedResults.Ok(await saved.ListAsync(actor.IdAsGuid() ?? Guid.Empty, ct)));
        filters.MapPost("", SaveFilter);
        filters.MapDelete("/{id:guid}", DeleteFilter);
        return app;
    }

    /// <summary>A view of cases (mine, team, unassigned, waitingOnUs, open, overdue, done, all), optionally narrowed by department and priority.</summary>
    private static async Task<Ok<CasePage>> List(
        InboxQuery inbox, Actor actor, InboxView? view, Guid? customerId, Guid? departmentId, CasePriority? priority, string? after, int? limit, CancellationToken ct) =>
        TypedResults.Ok(await inbox.ListAsync(new InboxFilter(view ?? InboxView.Open, actor.IdAsGuid(), customerId, after, limit ?? 50, departmentId, priority), ct));

    /// <summary>How many cases each inbox view holds for the caller, kept exact as cases change.</summary>
    private static async Task<Ok<InboxCounts>> Counts(CaseCountReader counts, Actor actor, CancellationToken ct) =>
        TypedResults.Ok(await counts.ForAsync(actor.IdAsGuid(), ct));

    /// <summary>Saves a filter for the caller; only those who manage cases may share one with everyone.</summary>
    private static async Task<Results<Ok<SavedFilterDto>, ValidationProblem, ProblemHttpResult>> SaveFilter(
        SavedFilterInput input, SavedFilters saved, IAuthorizationService authorization, ClaimsPrincipal user, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
        (await saved.SaveAsync(actor, await MayShareAsync(authorization, user), input, ct)).ToHttp(TypedResults.Ok, localizer);

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteFilter(
        Guid id, SavedFilters saved, IAuthorizationService authorization, ClaimsPrincipal user, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
        (await saved.DeleteAsync(actor, await MayShareAsync(authorization, user), id, ct)).ToHttp(_ => TypedResults.NoContent(), localizer);

    private static async Task<bool> MayShareAsync(IAuthorizationService authorization, ClaimsPrincipal user) =>
        (await authorization.AuthorizeAsync(user, Policies.CasesManage)).Succeeded;
}
