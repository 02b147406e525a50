using Ribalta.Customers.Contracts;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;

namespace Ribalta.Cases.Contracts;

/// <summary>
/// Who an inbound message is from: a contact point (the customer who has it, else a new customer with it), a new
/// person with a name and nothing else (a chat visitor, whose address is only a claim), or a customer the door
/// already knows (a visitor writing in their chat).
/// </summary>
public sealed record InboundSender
{
    private InboundSender()
    {
    }

    public ContactKind? Kind { get; private init; }

    public string? Value { get; private init; }

    public string? Name { get; private init; }

    public Guid? CustomerId { get; private init; }

    public static InboundSender ByContact(ContactKind kind, string value, string? name = null) => new() { Kind = kind, Value = value.Trim(), Name = name };

    public static InboundSender NewPerson(string name) => new() { Name = name };

    public static InboundSender Known(Guid customerId, string name) => new() { CustomerId = customerId, Name = name };
}

/// <summary>
/// One message a customer sent through a door (email, chat, the API, a social listening tool). The body is cut at the
/// longest message a case keeps; a missing subject is made from the body's first line.
/// </summary>
public sealed record InboundMessage(InboundSender From, string Body, Channel Channel)
{
    public string? Subject { get; init; }

    /// <summary>The language the words are in, when the door knows or read it; null leaves it to the conversation.</summary>
    public string? Language { get; init; }

    /// <summary>False when <see cref="Language"/> is only a guess (an API caller's hint): the case may use it, the customer does not learn it.</summary>
    public bool LanguageIsEvidence { get; init; } = true;

    /// <summary>The case the door says this continues: it must be the sender's, or nothing is written (not found).</summary>
    public long? CaseId { get; init; }

    /// <summary>
    /// Cases the message may continue, nearest first (an email's thread, the token in its subject): the first that
    /// is the sender's and not closed, followed through merges, gets the words; none of them, a new case.
    /// </summary>
    public IReadOnlyList<long> MayContinue { get; init; } = [];

    /// <summary>Where a new case starts (the mailbox's or widget's department); null for the organisation's routing.</summary>
    public Guid? DepartmentId { get; init; }
}

public sealed record InboundLanded(long CaseId, long MessageId, Guid CustomerId, bool NewCase, bool NewCustomer);

/// <summary>
/// The one way a customer's words come in, whatever the door: finds or creates the sender, continues their case or
/// opens one, learns their language, and says where the words landed. It runs in the caller's transaction, so a
/// door can record what it needs of its own (the email's Message-ID, the chat's session) with the words or not at all.
/// </summary>
public interface IInboundLanding
{
    Task<Result<InboundLanded>> LandAsync(Actor door, InboundMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// Known senders continuing cases they name, many at once, written and saved together (the API's batches). An
    /// entry is null when its case is missing or not that sender's: that one must go through <see cref="LandAsync"/>.
    /// </summary>
    Task<IReadOnlyList<Result<InboundLanded>?>> ContinueManyAsync(IReadOnlyList<(InboundMessage Message, CustomerRef Sender)> messages, CancellationToken cancellationToken);

    /// <summary>The first of <paramref name="candidates"/> (followed through merges) that is the customer's and not closed.</summary>
    Task<long?> OpenCaseOfAsync(Guid customerId, IReadOnlyList<long> candidates, CancellationToken cancellationToken);
}

/// <summary>What a case keeps, for a door that checks its input before landing it.</summary>
public static class CaseLimits
{
    public const int SubjectMax = 200;

    public const int BodyMax = 50_000;

    /// <summary>A message body: present, within <see cref="BodyMax"/>, without control characters.</summary>
    public static ValidationBuilder Body(ValidationBuilder v, string field, string? body) =>
        v.Required(field, body, BodyMax).NoControlCharacters(field, body);
}

/// <summary>A staff reply on its way to the customer, once its message is saved (the id is known).</summary>
public sealed record OutgoingReply(long CaseId, long MessageId, Channel Channel, Guid CustomerId, string CaseSubject, string? Language, string Body);

/// <summary>
/// How replies leave for the customer on cases of some channels (email for mail, portal and phone cases; chat for
/// chats). The conversation picks the first channel that carries the case's; none, and the reply stays on the case
/// (an integration reads it through the API or a webhook).
/// </summary>
public interface IReplyChannel
{
    bool Carries(Channel channel);

    /// <summary>Stages what the reply sends in the caller's unit of work: committed with the reply or not at all.</summary>
    Task StageAsync(OutgoingReply reply, CancellationToken cancellationToken);

    /// <summary>Told once the caller has committed what was staged (to wake a sender).</summary>
    void Committed();
}

public sealed record CaseFile(Guid Id, string FileName, string ContentType, long Size, string Sha256);

/// <summary>Files on a case's messages, for a door that receives or sends them (email's attachments and inline images).</summary>
public interface ICaseFiles
{
    /// <summary>
    /// Keeps a file that came with a customer's message when its type and size are accepted (null when refused),
    /// staged in the caller's unit of work; its id is known at once.
    /// </summary>
    Task<Guid?> KeepAsync(Platform.Events.Actor by, long caseId, long messageId, string fileName, byte[] content, CancellationToken cancellationToken);

    /// <summary>The files of one message, in the order they came.</summary>
    Task<IReadOnlyList<CaseFile>> OfMessageAsync(long messageId, CancellationToken cancellationToken);

    Task<IReadOnlyDictionary<Guid, CaseFile>> FindAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken);
}

/// <summary>
/// The emails behind messages, for staff reading a conversation: the mail a customer's message came in (its address,
/// whether it has HTML and its original), or the delivery of the mail a reply went out as. Registered by Email.
/// </summary>
public interface IMessageEmails
{
    Task<IReadOnlyDictionary<long, MessageEmailDto>> ForMessagesAsync(IReadOnlyCollection<long> messageIds, CancellationToken cancellationToken);
}

public enum ChannelDoorKind
{
    Mailbox,
    ChatWidget,
}

/// <summary>A door cases come in by (a mailbox, a chat widget) and the department its new cases start in (null: the organisation's).</summary>
public sealed record ChannelDoor(ChannelDoorKind Kind, string Name, string? Address, Guid? DepartmentId);

/// <summary>The doors a channel has, for the routing page. Registered by each channel with doors of its own.</summary>
public interface IChannelDoors
{
    Task<IReadOnlyList<ChannelDoor>> DoorsAsync(CancellationToken cancellationToken);
}
