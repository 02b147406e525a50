using Microsoft.AspNetCore.Http.HttpResults;
using Ribalta.Platform.Events;

namespace Ribalta.Cases.Mentions;

internal static class MentionsEndpoints
{
    /// <summary>On the cases group (<c>/api/v1/cases</c>, any member of staff).</summary>
    public static IEndpointRouteBuilder MapMentions(this IEndpointRouteBuilder cases)
    {
        cases.MapPost("/{id:long}/mentions/seen", MarkSeen);
        return cases;
    }

    /// <summary>The caller has read the case: its mentions of them are no longer unseen.</summary>
    private static async Task<NoContent> MarkSeen(long id, MentionInbox mentions, Actor actor, CancellationToken ct)
    {
        if (actor.IdAsGuid() is { } me)
        {
            await mentions.MarkSeenAsync(me, id, ct);
        }

        return TypedResults.NoContent();
    }
}
