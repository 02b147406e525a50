using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Ribalta.Cases.CannedReplies;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Conversation;
using Ribalta.Cases.Inbox;
using Ribalta.Cases.MergeCases;
using Ribalta.Cases.OpenCase;
using Ribalta.Cases.Search;
using Ribalta.Cases.UpdateCase;
using Ribalta.Cases.ViewCase;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Localization;
using Ribalta.Platform.Web;

namespace Ribalta.Cases;

public sealed record MessageCreated(long CaseId, long MessageId);

/// <summary>REST surface of the Cases module under <c>/api/v1/cases</c>.</summary>
internal static class CasesApi
{
    public static IEndpointRouteBuilder MapCasesApi(this IEndpointRouteBuilder app)
    {
        var cases = app.MapGroup("/api/v1/cases").RequireAuthorization(Policies.Staff).WithTags("Cases");
        cases.MapGet("", List);
        cases.MapGet("/counts", Counts);
        cases.MapPost("", Open).RequireAuthorization(Policies.CasesWork);
        cases.MapGet("/{id:long}", Get);
        cases.MapPatch("/{id:long}", Update).RequireAuthorization(Policies.CasesWork);
        cases.MapGet("/{id:long}/messages", Messages);
        cases.MapPost("/{id:long}/replies", Reply).RequireAuthorization(Policies.CasesWork);
        cases.MapPost("/{id:long}/notes", Note).RequireAuthorization(Policies.CasesWork);
        cases.MapPost("/{id:long}/calls", Call).RequireAuthorization(Policies.CasesWork);
        cases.MapPost("/{id:long}/mentions/seen", async (long id, Mentions.MentionInbox mentions, Actor actor, CancellationToken ct) =>
        {
            if (Guid.TryParse(actor.Id, out var me))
            {
                await mentions.MarkSeenAsync(me, id, ct);
            }

            return TypedResults.NoContent();
        });
        cases.MapPost("/{id:long}/merge", Merge).RequireAuthorization(Policies.CasesWork);
        cases.MapPost("/{id:long}/links", (long id, LinkRequest request, CaseRelations relations, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) => Link(id, request.CaseId, true, relations, actor, localizer, ct)).RequireAuthorization(Policies.CasesWork);
        cases.MapDelete("/{id:long}/links/{otherId:long}", (long id, long otherId, CaseRelations relations, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) => Link(id, otherId, false, relations, actor, localizer, ct)).RequireAuthorization(Policies.CasesWork);

        var canned = app.MapGroup("/api/v1/canned-replies").RequireAuthorization(Policies.Staff).WithTags("Cases");
        canned.MapGet("", async (string? language, CannedReplyLibrary library, CancellationToken ct) => TypedResults.Ok(await library.ListAsync(language, ct)));
        canned.MapPost("", SaveCanned).RequireAuthorization(Policies.CasesManage);
        canned.MapPut("/{id:guid}", SaveCanned).RequireAuthorization(Policies.CasesManage);
        canned.MapDelete("/{id:guid}", DeleteCanned).RequireAuthorization(Policies.CasesManage);

        var filters = app.MapGroup("/api/v1/saved-filters").RequireAuthorization(Policies.Staff).WithTags("Cases");
        filters.MapGet("", async (SavedFilters saved, Actor actor, CancellationToken ct) =>
            TypedResults.Ok(await saved.ListAsync(Guid.TryParse(actor.Id, out var me) ? me : Guid.Empty, ct)));
        filters.MapPost("", SaveFilter);
        filters.MapDelete("/{id:guid}", DeleteFilter);

        app.MapGet("/api/v1/search", Search).RequireAuthorization(Policies.Staff).WithTags("Search");
        return app;
    }

    /// <summary>Saves a filter for the caller; only those who manage cases may share one with everyone.</summary>
    private static async Task<Results<Ok<SavedFilterDto>, ValidationProblem, ProblemHttpResult>> SaveFilter(
        SavedFilterInput input, SavedFilters saved, IAuthorizationService authorization, HttpContext http, IStringLocalizer<Strings> localizer, CancellationToken ct)
    {
        var mayShare = (await authorization.AuthorizeAsync(http.User, Policies.CasesManage)).Succeeded;
        return (await saved.SaveAsync(Actor.From(http.User), mayShare, input, ct)).ToHttp(TypedResults.Ok, localizer);
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteFilter(
        Guid id, SavedFilters saved, IAuthorizationService authorization, HttpContext http, IStringLocalizer<Strings> localizer, CancellationToken ct)
    {
        var mayShare = (await authorization.AuthorizeAsync(http.User, Policies.CasesManage)).Succeeded;
        return (await saved.DeleteAsync(Actor.From(http.User), mayShare, id, ct)).ToHttp(_ => TypedResults.NoContent(), localizer);
    }

    /// <summary>How many cases each inbox view holds for the caller, kept exact as cases change.</summary>
    private static async Task<Ok<InboxCounts>> Counts(CaseCountReader counts, Actor actor, CancellationToken ct)
    {
        Guid? me = actor.IdAsGuid();
        return TypedResults.Ok(await counts.ForAsync(me, ct));
    }

    /// <summary>A view of cases (mine, team, unassigned, waitingOnUs, open, overdue, done, all), optionally narrowed by department and priority.</summary>
    private static async Task<Ok<CasePage>> List(
        InboxQuery inbox, Actor actor, InboxView? view, Guid? customerId, Guid? departmentId, CasePriority? priority, string? after, int? limit, CancellationToken ct)
    {
        Guid? me = actor.IdAsGuid();
        return TypedResults.Ok(await inbox.ListAsync(new InboxFilter(view ?? InboxView.Open, me, customerId, after, limit ?? 50, departmentId, priority), ct));
    }

    private static async Task<Results<Created<CaseDetails>, ValidationProblem, ProblemHttpResult>> Open(
        OpenCaseRequest request, OpenCaseHandler handler, HttpContext http, IStringLocalizer<Strings> localizer, CancellationToken ct)
    {
        var result = await handler.HandleAsync(Actor.From(http.User), request, ct);
        SetETag(http, result);
        return result.ToHttp(c => TypedResults.Created($"/api/v1/cases/{c.Id}", c), localizer);
    }

    private static async Task<Results<Ok<CaseDetails>, ValidationProblem, ProblemHttpResult>> Merge(
        long id, MergeCasesRequest request, CaseRelations relations, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
        (await relations.MergeAsync(actor, id, request.SourceId, ct)).ToHttp(TypedResults.Ok, localizer);

    private static async Task<Results<Ok<CaseDetails>, ValidationProblem, ProblemHttpResult>> Link(
        long id, long otherId, bool link, CaseRelations relations, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
        (await relations.LinkAsync(actor, id, otherId, link, ct)).ToHttp(TypedResults.Ok, localizer);

    private static async Task<Results<Ok<CannedReplyDto>, ValidationProblem, ProblemHttpResult>> SaveCanned(
        Guid? id, CannedReplyInput input, CannedReplyLibrary library, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
        (await library.SaveAsync(actor, id, input, ct)).ToHttp(TypedResults.Ok, localizer);

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteCanned(
        Guid id, CannedReplyLibrary library, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
        (await library.DeleteAsync(actor, id, ct)).ToHttp(_ => TypedResults.NoContent(), localizer);

    /// <summary>Messages and subjects (newest first, keyset by message id) and, on the first page, matching customers.</summary>
    private static async Task<Ok<SearchResults>> Search(string? q, long? before, int? limit, MessageSearch search, CancellationToken ct) =>
        TypedResults.Ok(await search.SearchAsync(q, before, limit ?? 25, ct));

    private static async Task<Results<Ok<CaseDetails>, NotFound>> Get(long id, CaseReader reader, HttpContext http, CancellationToken ct)
    {
        var details = await reader.FindAsync(id, CaseViewer.Staff, ct);
        if (details is null)
        {
            return TypedResults.NotFound();
        }

        http.Response.Headers.ETag = ETags.Format(details.Version);
        return TypedResults.Ok(details);
    }

    private static async Task<Results<Ok<CaseDetails>, ValidationProblem, ProblemHttpResult>> Update(
        long id,
        UpdateCaseRequest request,
        [FromHeader(Name = "If-Match")] string? ifMatch,
        UpdateCaseHandler handler,
        HttpContext http,
        IStringLocalizer<Strings> localizer,
        CancellationToken ct)
    {
        if (!ETags.TryParse(ifMatch, out var version))
        {
            return TypedResults.Problem(title: localizer["Error.IfMatchRequired"].Value, statusCode: StatusCodes.Status428PreconditionRequired);
        }

        var result = await handler.HandleAsync(Actor.From(http.User), id, version, request, ct);
        SetETag(http, result);
        return result.ToHttp(TypedResults.Ok, localizer);
    }

    private static async Task<Results<Ok<MessagePage>, NotFound>> Messages(long id, long? after, int? limit, CaseReader reader, CancellationToken ct) =>
        await reader.MessagesAsync(id, CaseViewer.Staff, after, limit ?? CaseReader.MessagePageSize, ct) is { } page ? TypedResults.Ok(page) : TypedResults.NotFound();

    private static async Task<Results<Created<MessageCreated>, ValidationProblem, ProblemHttpResult>> Reply(
        long id, ReplyRequest request, ConversationHandler handler, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
        Created(id, await handler.ReplyAsync(actor, id, request, ct), localizer);

    private static async Task<Results<Created<MessageCreated>, ValidationProblem, ProblemHttpResult>> Note(
        long id, NoteRequest request, ConversationHandler handler, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
        Created(id, await handler.NoteAsync(actor, id, request, ct), localizer);

    private static async Task<Results<Created<MessageCreated>, ValidationProblem, ProblemHttpResult>> Call(
        long id, CallRequest request, ConversationHandler handler, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
        Created(id, await handler.LogCallAsync(actor, id, request, ct), localizer);

    private static Results<Created<MessageCreated>, ValidationProblem, ProblemHttpResult> Created(long caseId, Result<long> result, IStringLocalizer<Strings> localizer) =>
        result.ToHttp(messageId => TypedResults.Created($"/api/v1/cases/{caseId}/messages?after={(messageId - 1).ToString(CultureInfo.InvariantCulture)}", new MessageCreated(caseId, messageId)), localizer);

    private static void SetETag(HttpContext http, Result<CaseDetails> result)
    {
        if (result.IsSuccess)
        {
            http.Response.Headers.ETag = ETags.Format(result.Value.Version);
        }
    }
}
