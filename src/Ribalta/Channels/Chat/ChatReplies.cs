using Microsoft.EntityFrameworkCore;
using Ribalta.Cases.Contracts;
using Ribalta.Channels.Email;
using Ribalta.Platform.Data;

namespace Ribalta.Channels.Chat;

/// <summary>
/// Replies on chat cases: a visitor still in the chat reads them there (the relay shows them live), so nothing is
/// sent; one who has gone, or asked to continue by email, gets them at the address they left, from the widget's mailbox.
/// </summary>
internal sealed class ChatReplies(RibaltaDbContext db, ChatPresence presence, EmailOutbox outbox) : IReplyChannel
{
    public bool Carries(Channel channel) => channel == Channel.Chat;

    public async Task StageAsync(OutgoingReply reply, CancellationToken ct)
    {
        var chat = await db.Set<ChatSession>().AsNoTracking().Where(s => s.CaseId == reply.CaseId)
            .Join(db.Set<ChatWidget>(), s => s.WidgetId, w => w.Id, (s, w) => new { s.VisitorEmail, s.EndedAt, w.MailboxId })
            .FirstOrDefaultAsync(ct);
        if (chat is not null && chat.EndedAt is null && presence.IsOnline(reply.CaseId))
        {
            return;
        }

        await outbox.StageReplyAsync(reply, chat?.VisitorEmail, chat?.MailboxId, ct);
    }

    public void Committed() => outbox.Committed();
}
