using Microsoft.EntityFrameworkCore;

namespace Ribalta.Channels.Chat;

/// <summary>A case's chat as staff see it beside the conversation.</summary>
public sealed record ChatSessionDto(
    string Widget,
    string VisitorName,
    string? VisitorEmail,
    string? PageUrl,
    string Origin,
    string? Language,
    DateTimeOffset StartedAt,
    DateTimeOffset LastActivityAt,
    DateTimeOffset? EndedAt,
    ChatEndedBy? EndedBy,
    bool ContinueByEmail,
    bool Online,
    bool Typing);

/// <summary>What staff see of a case's chat: the visitor, the page, whether they are here and typing now.</summary>
internal sealed partial class ChatService
{
    /// <summary>The chat behind a case, for staff; null when the case did not come by chat.</summary>
    public async Task<ChatSessionDto?> ForCaseAsync(long caseId, CancellationToken ct)
    {
        var row = await db.Set<ChatSession>().AsNoTracking().Where(s => s.CaseId == caseId)
            .Join(db.Set<ChatWidget>(), s => s.WidgetId, w => w.Id, (s, w) => new { Session = s, Widget = w.Name })
            .FirstOrDefaultAsync(ct);
        if (row is null)
        {
            return null;
        }

        var s = row.Session;
        return new ChatSessionDto(row.Widget, s.VisitorName, s.VisitorEmail, s.PageUrl, s.Origin, s.Language, s.StartedAt, s.LastActivityAt, s.EndedAt, s.EndedBy,
            s.ContinueByEmail, presence.IsOnline(caseId), presence.IsTyping(caseId, clock.GetUtcNow()));
    }
}
