using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Conversation;
using Ribalta.Cases.Domain;
using Ribalta.Cases.OpenCase;
using Ribalta.Customers.Contracts;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Security;

namespace Ribalta.Cases.Chat;

public sealed class ChatOptions
{
    public const string Section = "Chat";

    /// <summary>The longest message a visitor may send in one go.</summary>
    public int MaxMessageLength { get; init; } = 4000;

    /// <summary>Messages (and other calls) one connection may make at once before it must slow down.</summary>
    public int Burst { get; init; } = 10;

    /// <summary>Calls per second one connection earns back after a burst.</summary>
    public int PerSecond { get; init; } = 1;

    /// <summary>New chats one network address may start in an hour.</summary>
    public int StartsPerHourPerAddress { get; init; } = 20;

    /// <summary>How long a visitor's browser can come back to a chat it left open.</summary>
    public TimeSpan ResumeFor { get; init; } = TimeSpan.FromDays(30);
}

/// <summary>What a visitor types before the chat starts; everything but the message is optional.</summary>
public sealed record ChatStartRequest(string? Name, string? Email, string? Message, string? PageUrl);

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
internal sealed record VisitorChat(long SessionId, long CaseId, Guid CustomerId, string Name);

/// <summary>
/// A visitor's chat as a case conversation: started (the person found by the email they gave, or a new one), resumed
/// with its token, written to (committed before anything is acknowledged), continued by email, or ended.
/// </summary>
internal sealed class ChatService(
    RibaltaDbContext db,
    ICustomerDirectory customers,
    OpenCaseHandler open,
    ConversationHandler conversation,
    ChatPresence presence,
    IOptions<ChatOptions> options,
    TimeProvider clock)
{
    private const int HistoryMax = 200;

    public async Task<Result<(VisitorChat Chat, ChatState State)>> StartAsync(WidgetView widget, string origin, string? language, string fallbackName, ChatStartRequest request, CancellationToken ct)
    {
        var v = CaseRules.Body(new ValidationBuilder(), "message", request.Message).MaxLength("message", request.Message, options.Value.MaxMessageLength)
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
        var page = request.PageUrl is { Length: > 0 } url && Uri.TryCreate(url, UriKind.Absolute, out var pageUri) && pageUri.Scheme is "http" or "https"
            ? Truncate(pageUri.GetLeftPart(UriPartial.Path), 1000)
            : null;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                var person = email is null ? null : await customers.FindByContactAsync(ContactKind.Email, email, ct);
                if (person is null)
                {
                    var created = email is null
                        ? await customers.CreatePersonAsync(actor, name ?? fallbackName, language, ct)
                        : await customers.CreateFromContactAsync(actor, name, ContactKind.Email, email, language, ct);
                    if (!created.IsSuccess)
                    {
                        return created.Error!.Kind == ErrorKind.Conflict ? throw new LandingConflict(created.Error.MessageKey) : created.Error;
                    }

                    person = created.Value;
                }

                var opened = await open.HandleAsync(actor, new OpenCaseRequest(person.Id, Ingest.IngestProcessor.SubjectFrom(body), body, Channel.Chat, DepartmentId: widget.DepartmentId), ct);
                if (!opened.IsSuccess)
                {
                    return opened.Error!;
                }

                var token = SecretToken.Create();
                var now = clock.GetUtcNow();
                var session = new ChatSession
                {
                    WidgetId = widget.Id,
                    CaseId = opened.Value.Id,
                    CustomerId = person.Id,
                    TokenHash = SecretToken.Hash(token),
                    VisitorName = name ?? person.DisplayName,
                    VisitorEmail = email,
                    Language = language,
                    PageUrl = page,
                    Origin = origin,
                    StartedAt = now,
                    LastActivityAt = now,
                };
                db.Add(session);
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                var chat = new VisitorChat(session.Id, session.CaseId, person.Id, person.DisplayName);
                return (chat, new ChatState(token, session.CaseId, await HistoryAsync(session.CaseId, ct), false, email));
            }
            catch (Exception ex) when (attempt < 3 && (ex is LandingConflict || (ex is DbUpdateException update && DbErrors.IsUniqueViolation(update))))
            {
                // Two first chats from one new address at once: the loser finds the person on its retry.
                db.ChangeTracker.Clear();
                await Task.Delay(Random.Shared.Next(5, 50 * attempt), ct);
            }
        }
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
        return (new VisitorChat(session.Id, session.CaseId, session.CustomerId, name),
            new ChatState(null, session.CaseId, await HistoryAsync(session.CaseId, ct), session.EndedAt is not null, session.VisitorEmail));
    }

    /// <summary>The visitor's words, committed to the case before they are acknowledged.</summary>
    public async Task<Result<ChatLine>> SendAsync(VisitorChat chat, string? body, CancellationToken ct)
    {
        var v = CaseRules.Body(new ValidationBuilder(), "message", body).MaxLength("message", body, options.Value.MaxMessageLength);
        if (v.ToError() is { } invalid)
        {
            return invalid;
        }

        if (await db.Set<ChatSession>().AsNoTracking().Where(s => s.Id == chat.SessionId).Select(s => s.EndedAt).FirstOrDefaultAsync(ct) is not null)
        {
            return Error.Conflict("Chat.Ended");
        }

        var visitor = new Actor(ActorKind.Customer, chat.CustomerId.ToString(), chat.Name);
        var written = await conversation.CustomerWritesAsync(visitor, chat.CaseId, new CustomerMessageRequest(body, Channel.Chat), ct);
        if (!written.IsSuccess)
        {
            return written.Error!;
        }

        await TouchAsync(chat.SessionId, ct);
        return (await LinesAsync(db.Set<Message>().Where(m => m.Id == written.Value), ct)).Single();
    }

    /// <summary>
    /// The visitor leaves an address and goes: the chat ends, replies from now on are mailed there, and the person
    /// gets the address when nobody else has it (an address someone else owns is only noted for staff; it is not verified).
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
        var owner = await customers.FindByContactAsync(ContactKind.Email, address, ct);
        if (owner is null)
        {
            await customers.AddContactAsync(widgetActor, chat.CustomerId, ContactKind.Email, address, ct);
        }

        var entry = owner is not null && owner.Id != chat.CustomerId
            ? new SystemEntry("Chat.ContinuesByEmailOwned", [address, owner.DisplayName])
            : new SystemEntry("Chat.ContinuesByEmail", [address]);
        await conversation.SystemEntryAsync(widgetActor, chat.CaseId, entry, ct);
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
        (await LinesAsync(db.Set<Message>().Where(m => m.CaseId == caseId).OrderByDescending(m => m.Id).Take(HistoryMax), ct)).OrderBy(l => l.Id).ToList();

    /// <summary>Lines of a case written since <paramref name="since"/>: what the relay pushes after a commit.</summary>
    public Task<IReadOnlyList<ChatLine>> SinceAsync(long caseId, DateTimeOffset since, CancellationToken ct) =>
        LinesAsync(db.Set<Message>().Where(m => m.CaseId == caseId && m.CreatedAt >= since).OrderBy(m => m.Id).Take(HistoryMax), ct);

    private static async Task<IReadOnlyList<ChatLine>> LinesAsync(IQueryable<Message> messages, CancellationToken ct) =>
        (await messages.AsNoTracking().Where(m => m.Kind == MessageKind.Customer || m.Kind == MessageKind.Reply)
            .Select(m => new { m.Id, m.Kind, m.AuthorName, m.Body, m.CreatedAt }).ToListAsync(ct))
        .Select(m => new ChatLine(m.Id, m.Kind == MessageKind.Customer ? "visitor" : "agent", m.AuthorName, m.Body, m.CreatedAt))
        .ToList();

    private Task TouchAsync(long sessionId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return db.Set<ChatSession>().Where(s => s.Id == sessionId).ExecuteUpdateAsync(s => s.SetProperty(x => x.LastActivityAt, now), ct);
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];

    /// <summary>A start that lost a race for a new person: tried again, and then the person is found.</summary>
    private sealed class LandingConflict(string message) : Exception(message);
}
