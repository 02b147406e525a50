using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Localization;

namespace Ribalta.Cases.Conversation;

internal static class ConversationEndpoints
{
    /// <summary>On the cases group (<c>/api/v1/cases</c>, any member of staff).</summary>
    public static IEndpointRouteBuilder MapConversation(this IEndpointRouteBuilder cases)
    {
        cases.MapPost("/{id:long}/replies", Reply).RequireAuthorization(Policies.CasesWork);
        cases.MapPost("/{id:long}/notes", Note).RequireAuthorization(Policies.CasesWork);
        cases.MapPost("/{id:long}/calls", Call).RequireAuthorization(Policies.CasesWork);
        return cases;
    }

    private static async Task<Results<Created<MessageCreated>, ValidationProblem, ProblemHttpResult>> Reply(
        long id, ReplyRequest request, ConversationHandler handler, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
        Created(id, await handler.ReplyAsync(actor, id, request, ct), localizer);

    private static async Task<Results<Created<MessageCreated>, ValidationProblem, ProblemHttpResult>> Note(
        long id, NoteRequest request, ConversationHandler handler, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
        Created(id, await handler.NoteAsync(actor, id, request, ct), localizer);

    private static async Task<Results<Created<MessageCreated>, ValidationProblem, ProblemHttpResult>> Call(
        long id, CallRequest request, ConversationHandler handler, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
        Created(id, await handler.LogCallAsync(actor, id, request, ct), localizer);

    /// <summary>Points at the page of messages that starts with the new one.</summary>
    private static Results<Created<MessageCreated>, ValidationProblem, ProblemHttpResult> Created(long caseId, Result<long> result, IStringLocalizer<Strings> localizer) =>
        result.ToHttp(messageId => TypedResults.Created($"/api/v1/cases/{caseId}/messages?after={(messageId - 1).ToString(CultureInfo.InvariantCulture)}", new MessageCreated(caseId, messageId)), localizer);
}
