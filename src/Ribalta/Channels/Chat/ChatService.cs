using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Ribalta.Cases.Contracts;
using Ribalta.Customers.Contracts;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Security;

namespace Ribalta.Channels.Chat;

internal sealed class ChatOptions
{
    public const string Section = "Chat";

    /// <summary>The longest message a visitor may send in one go.</summary>
    public int MaxMessageLength { get; init; } = 4000;

    /// <summary>Messages (and other calls) one connection may make at once before it must slow down.</summary>
    public int Burst { get; init; } = 10;

    /// <summary>Calls per second one connection earns back after a burst.</summary>
    public int PerSecond { get; init; } = 1;

    /// <summary>New chats one visitor (the id the widget keeps in their browser) may start on a widget in an hour.</summary>
    public int StartsPerHourPerVisitor { get; init; } = 10;

    /// <summary>New chats one widget takes in a minute, from everyone together: a flood does not bury the front line.</summary>
    public int StartsPerMinutePerWidget { get; init; } = 60;

    /// <summary>
    /// New chats one network address may start in an hour: a coarse ceiling only, high enough for an office or a mobile
    /// carrier that puts many visitors behind one address.
    /// </summary>
    public int StartsPerHourPerAddress { get; init; } = 300;

    /// <summary>Every limit at least one: a limit of zero would turn the widget off without saying so.</summary>
    public bool LimitsAreValid() =>
        MaxMessageLength >= 1 && Burst >= 1 && PerSecond >= 1 && StartsPerHourPerVisitor >= 1 && StartsPerMinutePerWidget >= 1 && StartsPerHourPerAddress >= 1
        && ResumeFor > TimeSpan.Zero;

    /// <summary>
    /// How long after its last line a browser can come back to a chat it left open. Short, because the browser may be
    /// shared (a library, a shop's kiosk); a visitor who left an address gets the answers by email anyway.
    /// </summary>
    public TimeSpan ResumeFor { get; init; } = TimeSpan.FromHours(24);
}

/// <summary>What a visitor types before the chat starts; everything but the message is optional.</summary>
/// <remarks><c>VisitorId</c> is the random id the widget keeps in the visitor's browser: new chats are limited per visitor.</remarks>
public sealed record ChatStartRequest(string? Name, string? Email, string? Message, string? PageUrl, string? VisitorId = null);

/// <summary>A line of the chat as the visitor sees it: their words and staff replies, never notes or system entries.</summary>
public sealed record ChatLine(long Id, string From, string Name, string Body, DateTimeOffset At);

/// <summary>The chat the visitor is in: the token to keep (only on start), the case number, and what was said.</summary>
public sealed record ChatState(string? Token, long CaseId, IReadOnlyList<ChatLine> Messages, bool Ended, string? Email);

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

/// <summary>Who a connection is chatting as, once it has started or resumed a chat.</summary>
internal sealed record VisitorChat(long SessionId, long CaseId, Guid CustomerId, string Name)
{
    /// <summary>When this connection last recorded the chat's activity; at most once a minute, not once a line.</summary>
    public DateTimeOffset ActivityRecordedAt { get; set; }
}

/// <summary>
/// A visitor's chat as a case conversation: started (the person found by the email they gave, or a new one), resumed
/// with its token, written to (committed before anything is acknowledged), continued by email, or ended.
/// </summary>
internal sealed class ChatService(
    RibaltaDbContext db,
    ICustomerDirectory customers,
    IInboundLanding landing,
    ICaseConversation conversation,
    ChatPresence presence,
    IOptions<ChatOptions> options,
    Platform.Text.LanguageDetector languages,
    TimeProvider clock)
{
    private const int HistoryMax = 200;

    public async Task<Result<(VisitorChat Chat, ChatState State)>> StartAsync(WidgetView widget, string origin, string? language, string fallbackName, ChatStartRequest request, CancellationToken ct)
    {
        var v = CaseLimits.Body(new ValidationBuilder(), "message", request.Message).MaxLength("message", request.Message, options.Value.MaxMessageLength)
            .MaxLength("name", request.Name, 200).NoControlCharacters("name", request.Name);
        var email = string.IsNullOrWhiteSpace(request.Email) ? null : request.Email.Trim();
        if (email is not null)
        {
            v.MaxLength("email", email, 254).Email("email", email);
        }

        if (v.ToError() is { } invalid)
        {
            return invalid;
        }

        var actor = new Actor(ActorKind.System, "chat:" + widget.Id, widget.Name);
        var name = string.IsNullOrWhiteSpace(request.Name) ? null : request.Name.Trim();
        var body = request.Message!.Trim();
        // Only a page of the site the chat came from: anything else is not where the visitor was.
        var page = request.PageUrl is { Length: > 0 } url && Uri.TryCreate(url, UriKind.Absolute, out var pageUri) && ChatOrigin.Normalize(pageUri.GetLeftPart(UriPartial.Authority)) == origin
            ? Truncate(pageUri.GetLeftPart(UriPartial.Path), 1000)
            : null;

        // A visitor is a new person, whatever address they type: an address is only a claim, so it never picks an
        // existing customer (whose history and name would then show in a stranger's chat). It becomes theirs when they
        // answer the mail we send there (see EmailIntake); until then it is kept on the chat alone.
        // The page's language is only a prior: a visitor who writes Spanish on the English site is a Spanish speaker,
        // for the case and for the person alike.
        language = languages.Read(body, prior: language).Language ?? language;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var landed = await landing.LandAsync(actor, new InboundMessage(InboundSender.NewPerson(name ?? fallbackName), body, Channel.Chat)
        {
            Language = language,
            DepartmentId = widget.DepartmentId,
        }, ct);
        if (!landed.IsSuccess)
        {
            return landed.Error!;
        }

        var person = await customers.FindAsync(landed.Value.CustomerId, ct) ?? throw new InvalidOperationException("The visitor just created is gone.");
        var token = SecretToken.Create();
        var now = clock.GetUtcNow();
        var session = new ChatSession
        {
            WidgetId = widget.Id,
            CaseId = landed.Value.CaseId,
            CustomerId = person.Id,
            TokenHash = SecretToken.Hash(token),
            VisitorName = person.DisplayName,
            VisitorEmail = email,
            Language = language,
            PageUrl = page,
            Origin = origin,
            StartedAt = now,
            LastActivityAt = now,
        };
        db.Add(session);
        await db.SaveChangesAsync(ct);
        if (email is not null && await OwnerNoticeAsync(email, person.Id, ct) is { } notice)
        {
            await conversation.SystemEntryAsync(actor, session.CaseId, notice, ct);
        }

        await transaction.CommitAsync(ct);
        var chat = new VisitorChat(session.Id, session.CaseId, person.Id, person.DisplayName) { ActivityRecordedAt = now };
        return (chat, new ChatState(token, session.CaseId, await HistoryAsync(session.CaseId, ct), false, email));
    }

    /// <summary>The chat behind a token, while it may still be resumed; null for a token that is unknown, expired or for another widget.</summary>
    public async Task<(VisitorChat Chat, ChatState State)?> ResumeAsync(WidgetView widget, string? token, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100)
        {
            return null;
        }

        var hash = SecretToken.Hash(token);
        var session = await db.Set<ChatSession>().AsNoTracking().FirstOrDefaultAsync(s => s.TokenHash == hash && s.WidgetId == widget.Id, ct);
        if (session is null || session.LastActivityAt + options.Value.ResumeFor < clock.GetUtcNow())
        {
            return null;
        }

        var name = (await customers.FindAsync(session.CustomerId, ct))?.DisplayName ?? session.VisitorName;
        return (new VisitorChat(session.Id, session.CaseId, session.CustomerId, name) { ActivityRecordedAt = session.LastActivityAt },
            new ChatState(null, session.CaseId, await HistoryAsync(session.CaseId, ct), session.EndedAt is not null, session.VisitorEmail));
    }

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

    /// <summary>When the address a visitor typed belongs to someone else, a word for staff: the same person, or not?</summary>
    private async Task<SystemEntry?> OwnerNoticeAsync(string address, Guid visitor, CancellationToken ct) =>
        await customers.FindByContactAsync(ContactKind.Email, address, ct) is { } owner && owner.Id != visitor
            ? new SystemEntry("Chat.AddressOwned", [address, owner.DisplayName])
            : null;

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

    /// <summary>What the visitor may see of the case: their words and staff replies, the latest <see cref="HistoryMax"/>.</summary>
    public async Task<IReadOnlyList<ChatLine>> HistoryAsync(long caseId, CancellationToken ct) =>
        (await conversation.CustomerLinesAsync(caseId, HistoryMax, ct)).Select(Line).ToList();

    /// <summary>Lines of a case written since <paramref name="since"/>: what the relay pushes after a commit.</summary>
    public async Task<IReadOnlyList<ChatLine>> SinceAsync(long caseId, DateTimeOffset since, CancellationToken ct) =>
        (await conversation.CustomerLinesAsync(caseId, HistoryMax, ct, since)).Select(Line).ToList();

    private static ChatLine Line(CustomerLine line) => new(line.Id, line.FromCustomer ? "visitor" : "agent", line.AuthorName, line.Body, line.At);

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
