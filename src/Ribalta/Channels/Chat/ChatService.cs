using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Ribalta.Cases.Contracts;
using Ribalta.Customers.Contracts;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Security;

namespace Ribalta.Channels.Chat;

/// <summary>What a visitor types before the chat starts; everything but the message is optional.</summary>
/// <remarks><c>VisitorId</c> is the random id the widget keeps in the visitor's browser: new chats are limited per visitor.</remarks>
public sealed record ChatStartRequest(string? Name, string? Email, string? Message, string? PageUrl, string? VisitorId = null);

/// <summary>A line of the chat as the visitor sees it: their words and staff replies, never notes or system entries.</summary>
public sealed record ChatLine(long Id, string From, string Name, string Body, DateTimeOffset At);

/// <summary>The chat the visitor is in: the token to keep (only on start), the case number, and what was said.</summary>
public sealed record ChatState(string? Token, long CaseId, IReadOnlyList<ChatLine> Messages, bool Ended, string? Email);

/// <summary>Who a connection is chatting as, once it has started or resumed a chat.</summary>
internal sealed record VisitorChat(long SessionId, long CaseId, Guid CustomerId, string Name)
{
    /// <summary>When this connection last recorded the chat's activity; at most once a minute, not once a line.</summary>
    public DateTimeOffset ActivityRecordedAt { get; set; }
}

/// <summary>
/// A visitor's chat as a case conversation: started (the person found by the email they gave, or a new one), resumed
/// with its token, written to (committed before anything is acknowledged), continued by email, or ended.
/// Starting and resuming are here; the visitor's writes are in <c>ChatServiceWrite.cs</c>, what staff see in <c>ChatServiceStaff.cs</c>.
/// </summary>
internal sealed partial class ChatService(
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

    /// <summary>When the address a visitor typed belongs to someone else, a word for staff: the same person, or not?</summary>
    private async Task<SystemEntry?> OwnerNoticeAsync(string address, Guid visitor, CancellationToken ct) =>
        await customers.FindByContactAsync(ContactKind.Email, address, ct) is { } owner && owner.Id != visitor
            ? new SystemEntry("Chat.AddressOwned", [address, owner.DisplayName])
            : null;

    /// <summary>What the visitor may see of the case: their words and staff replies, the latest <see cref="HistoryMax"/>.</summary>
    public async Task<IReadOnlyList<ChatLine>> HistoryAsync(long caseId, CancellationToken ct) =>
        (await conversation.CustomerLinesAsync(caseId, HistoryMax, ct)).Select(Line).ToList();

    /// <summary>Lines of a case written since <paramref name="since"/>: what the relay pushes after a commit.</summary>
    public async Task<IReadOnlyList<ChatLine>> SinceAsync(long caseId, DateTimeOffset since, CancellationToken ct) =>
        (await conversation.CustomerLinesAsync(caseId, HistoryMax, ct, since)).Select(Line).ToList();

    private static ChatLine Line(CustomerLine line) => new(line.Id, line.FromCustomer ? "visitor" : "agent", line.AuthorName, line.Body, line.At);

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
