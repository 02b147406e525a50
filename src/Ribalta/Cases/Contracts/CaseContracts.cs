namespace Ribalta.Cases.Contracts;

public enum CaseStatus
{
    New,
    Open,
    WaitingOnCustomer,
    WaitingOnUs,
    Solved,
    Closed,
}

public enum CasePriority
{
    Low,
    Normal,
    High,
    Urgent,
}

/// <summary>The door the customer came through.</summary>
public enum Channel
{
    Portal,
    Email,
    Chat,
    Phone,
    Social,
    Api,
}

public enum MessageKind
{
    /// <summary>The customer's own words.</summary>
    Customer,

    /// <summary>Staff writing to the customer.</summary>
    Reply,

    /// <summary>Staff writing to staff; never shown to the customer.</summary>
    InternalNote,

    /// <summary>A phone call, logged with direction, duration and summary.</summary>
    Call,

    /// <summary>
    /// Something that happened, told in the conversation for staff (an automatic reply received, a delivery failure).
    /// Never shown to the customer. The body is a localization key and its arguments as JSON (see <c>SystemEntry</c>).
    /// </summary>
    System,
}

public enum CallDirection
{
    Inbound,
    Outbound,
}

public sealed record CaseSummary(
    long Id,
    string Subject,
    CaseStatus Status,
    CasePriority Priority,
    Channel Channel,
    Guid CustomerId,
    string CustomerName,
    Guid? AssigneeId,
    string? AssigneeName,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? DueAt = null);

public sealed record CasePage(IReadOnlyList<CaseSummary> Items, string? Next);

public sealed record CaseDetails(
    long Id,
    string Subject,
    CaseStatus Status,
    CasePriority Priority,
    Channel Channel,
    string? Language,
    Guid CustomerId,
    string CustomerName,
    Guid? AssigneeId,
    string? AssigneeName,
    Guid? DepartmentId,
    IReadOnlyList<string> Tags,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? FirstRespondedAt,
    DateTimeOffset? SolvedAt,
    int Version,
    long? MergedIntoId,
    IReadOnlyList<LinkedCase> Links,
    CaseTargetsDto? Targets = null,
    string? DepartmentName = null);

/// <summary>
/// A case's targets (staff only). A pending first answer or a running resolution clock has a due time; a paused
/// one (waiting on the customer, solved) has the working time it had left instead. Breaches keep the time they happened.
/// </summary>
public sealed record CaseTargetsDto(
    int? FirstResponseTargetMinutes,
    DateTimeOffset? FirstResponseDueAt,
    bool FirstResponsePending,
    DateTimeOffset? FirstResponseBreachedAt,
    int? ResolutionTargetMinutes,
    DateTimeOffset? ResolutionDueAt,
    long? ResolutionSecondsLeftWhilePaused,
    DateTimeOffset? ResolutionBreachedAt);

public sealed record LinkedCase(long Id, string Subject, CaseStatus Status);

public sealed record MessageDto(
    long Id,
    MessageKind Kind,
    Channel Channel,
    string? Language,
    string AuthorName,
    string Body,
    DateTimeOffset CreatedAt,
    CallDirection? CallDirection,
    int? CallSeconds,
    IReadOnlyList<AttachmentDto> Attachments,
    MessageEmailDto? Email = null);

/// <summary>
/// For staff: the email a message came in (its original is kept; its HTML can be shown sanitised) or went out as
/// (delivery: Pending, Sent or Failed, with the last error).
/// </summary>
public sealed record MessageEmailDto(string Address, bool HasHtml, bool HasOriginal, string? Delivery, int Attempts, DateTimeOffset? SentAt, string? DeliveryError);

public sealed record AttachmentDto(Guid Id, string FileName, string ContentType, long Size);

public sealed record MessagePage(IReadOnlyList<MessageDto> Items, long? Next);

/// <summary>How other modules see a customer's cases without reaching into the Cases module.</summary>
public interface ICaseDirectory
{
    Task<CasePage> ForCustomerAsync(Guid customerId, string? after, int limit, CancellationToken cancellationToken);

    /// <summary>The least another module needs of a case: whose it is, where it stands, its language.</summary>
    Task<CaseRef?> FindAsync(long caseId, CancellationToken cancellationToken);
}

public sealed record CaseRef(long Id, Guid CustomerId, CaseStatus Status, string? Language, string Subject);

/// <summary>Writing to a case's customer from another module, in the caller's transaction when there is one.</summary>
public interface ICaseConversation
{
    /// <summary>
    /// A reply the customer sees (and receives by their channel), with its event; the case then waits on them, or
    /// takes <paramref name="statusAfter"/> (waiting on us, when the reply says we still owe them something).
    /// </summary>
    Task<Platform.Errors.Result<long>> ReplyAsync(Platform.Events.Actor staff, long caseId, string body, CancellationToken cancellationToken, CaseStatus? statusAfter = null);

    /// <summary>The latest replies to the customer on a case, newest first (for marking what was promised in them).</summary>
    Task<IReadOnlyList<ReplyRef>> RecentRepliesAsync(long caseId, int limit, CancellationToken cancellationToken);

    /// <summary>A line the system adds to the conversation (a door's news: a bounce, files not kept), in every reader's language.</summary>
    Task<Platform.Errors.Result<long>> SystemEntryAsync(Platform.Events.Actor actor, long caseId, SystemEntry entry, CancellationToken cancellationToken);

    /// <summary>
    /// What the customer may see of the conversation (their words and staff replies), oldest first: the latest
    /// <paramref name="limit"/>, or those written since <paramref name="since"/>, or the one message <paramref name="messageId"/>.
    /// </summary>
    Task<IReadOnlyList<CustomerLine>> CustomerLinesAsync(long caseId, int limit, CancellationToken cancellationToken, DateTimeOffset? since = null, long? messageId = null);
}

public sealed record CustomerLine(long Id, bool FromCustomer, string AuthorName, string Body, DateTimeOffset At);

/// <summary>Who of the staff is on a case's page now, for a door that tells the customer (an agent is typing).</summary>
public interface IStaffPresence
{
    /// <summary>Raised with the case's id when someone arrives, leaves, or starts or stops replying.</summary>
    event Action<long>? Changed;

    bool AnyoneReplying(long caseId);
}

public sealed record ReplyRef(long MessageId, string? AuthorId, string AuthorName, string Body, DateTimeOffset CreatedAt);

/// <summary>
/// A panel another module adds beside a case's conversation (the Resolve panel, later promises): a component that
/// takes the case's id as its <c>CaseId</c> parameter. Registered in the container; drawn in <see cref="Order"/>.
/// </summary>
public sealed record CasePanel(Type Component, int Order);

/// <summary>
/// A panel another module adds at the top of the agent's inbox (what waits for their help, promises due soon): a
/// component without parameters that keeps itself current. Registered in the container; drawn in <see cref="Order"/>.
/// </summary>
public sealed record InboxPanel(Type Component, int Order);
