using Microsoft.EntityFrameworkCore;
using Ribalta.Cases.Contracts;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;

namespace Ribalta.Channels.Chat;

/// <summary>What the visitor does in a chat once it runs: writes, leaves an address to go on by email, or ends it.</summary>
internal sealed partial class ChatService
{
    /// <summary>The visitor's words, committed to the case before they are acknowledged.</summary>
    public async Task<Result<ChatLine>> SendAsync(VisitorChat chat, string? body, CancellationToken ct)
    {
        var v = CaseLimits.Body(new ValidationBuilder(), "message", body).MaxLength("message", body, options.Value.MaxMessageLength);
        if (v.ToError() is { } invalid)
        {
            return invalid;
        }

        if (await db.Set<ChatSession>().AsNoTracking().Where(s => s.Id == chat.SessionId).Select(s => s.EndedAt).FirstOrDefaultAsync(ct) is not null)
        {
            return Error.Conflict("Chat.Ended");
        }

        var written = await landing.LandAsync(new Actor(ActorKind.System, "chat", "Chat"), new InboundMessage(InboundSender.Known(chat.CustomerId, chat.Name), body!, Channel.Chat) { CaseId = chat.CaseId }, ct);
        if (!written.IsSuccess)
        {
            return written.Error!;
        }

        // Activity only decides how long a token may resume the chat (days): a write a minute is plenty, and it keeps
        // each line to one commit.
        var now = clock.GetUtcNow();
        if (now - chat.ActivityRecordedAt > TimeSpan.FromMinutes(1))
        {
            chat.ActivityRecordedAt = now;
            await db.Set<ChatSession>().Where(s => s.Id == chat.SessionId).ExecuteUpdateAsync(s => s.SetProperty(x => x.LastActivityAt, now), ct);
        }

        return Line((await conversation.CustomerLinesAsync(chat.CaseId, 1, ct, messageId: written.Value.MessageId)).Single());
    }

    /// <summary>
    /// The visitor leaves an address and goes: the chat ends and replies from now on are mailed there. The address is
    /// kept on the chat only (it is a claim, not verified); it joins the person when they answer our mail from it.
    /// </summary>
    public async Task<Result<bool>> ContinueByEmailAsync(VisitorChat chat, string? email, CancellationToken ct)
    {
        var address = email?.Trim() ?? "";
        var v = new ValidationBuilder().Required("email", address, 254);
        if (address.Length > 0)
        {
            v.Email("email", address);
        }

        if (v.ToError() is { } invalid)
        {
            return invalid;
        }

        var session = await db.Set<ChatSession>().FirstOrDefaultAsync(s => s.Id == chat.SessionId, ct);
        if (session is null)
        {
            return Error.NotFound();
        }

        var now = clock.GetUtcNow();
        session.VisitorEmail = address;
        session.ContinueByEmail = true;
        session.EndedAt ??= now;
        session.EndedBy ??= ChatEndedBy.Visitor;
        session.LastActivityAt = now;
        await db.SaveChangesAsync(ct);

        var widgetActor = new Actor(ActorKind.System, "chat:" + session.WidgetId, "Chat");
        await conversation.SystemEntryAsync(widgetActor, chat.CaseId, new SystemEntry("Chat.ContinuesByEmail", [address]), ct);
        if (await OwnerNoticeAsync(address, chat.CustomerId, ct) is { } notice)
        {
            await conversation.SystemEntryAsync(widgetActor, chat.CaseId, notice, ct);
        }

        return true;
    }

    public async Task<Result<bool>> EndAsync(VisitorChat chat, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var ended = await db.Set<ChatSession>().Where(s => s.Id == chat.SessionId && s.EndedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, now).SetProperty(x => x.EndedBy, ChatEndedBy.Visitor).SetProperty(x => x.LastActivityAt, now), ct);
        if (ended > 0)
        {
            await conversation.SystemEntryAsync(new Actor(ActorKind.System, "chat", "Chat"), chat.CaseId, new SystemEntry("Chat.VisitorEnded", []), ct);
        }

        return true;
    }
}
