using Ribalta.Platform.Data;
using Ribalta.Platform.Events;

namespace Ribalta.Platform.Notifications;

/// <summary>
/// Telling a member of staff that something needs them: the bell in the top bar, the notifications page, and (when they
/// chose one) an email digest. Modules call it inside their own transaction, so a notification commits with what it
/// tells or not at all; or they answer for events through an <see cref="INotificationSource"/>.
/// </summary>
public interface INotifier
{
    /// <summary>
    /// Adds one notification per recipient to the caller's unit of work (saved by the caller's <c>SaveChanges</c>).
    /// The actor is never told about their own action; people who turned the kind off, and deactivated people, are
    /// skipped; a department reaches its active members; a recipient who already has a notification of this kind from
    /// the same <see cref="NotificationDraft.Source"/> is not told twice. Returns how many notifications were added.
    /// </summary>
    Task<int> NotifyAsync(RibaltaDbContext db, Actor actor, NotificationRecipients recipients, NotificationDraft draft, CancellationToken ct);

    /// <summary>
    /// Which of these sources already notified someone of this kind: for work driven by the clock (a reminder), which
    /// looks at the same things every run and should draft only for the new ones.
    /// </summary>
    Task<IReadOnlySet<string>> NotifiedAsync(RibaltaDbContext db, string kind, IReadOnlyCollection<string> sources, CancellationToken ct);
}

/// <summary>Whom to tell: people by id, and the active members of departments.</summary>
public sealed record NotificationRecipients(IReadOnlyCollection<Guid> People, IReadOnlyCollection<Guid> Departments)
{
    public static NotificationRecipients Person(Guid staffId) => new([staffId], []);

    public static NotificationRecipients Department(Guid departmentId) => new([], [departmentId]);

    public static readonly NotificationRecipients Nobody = new([], []);
}

/// <summary>
/// What to tell. The text is a localization key and its arguments, rendered when read, in the reader's language
/// (<c>Notification.Mentioned</c>: "{0} mentioned you on case #{1}: {2}"); arguments are plain strings (names, numbers,
/// a subject), never words of one language. <see cref="Source"/> names what caused it (<c>event:1234</c>,
/// <c>promise:42:due_soon</c>): the same source never notifies the same person twice for one kind, so a caller that
/// runs again (at-least-once delivery, a retried job) adds nothing.
/// </summary>
public sealed record NotificationDraft(
    string Kind,
    string TextKey,
    IReadOnlyList<string> Arguments,
    string Link,
    string SubjectType,
    string SubjectId,
    string Source,
    long? CaseId = null)
{
    public const int KindMax = 60;
    public const int TextKeyMax = 100;
    public const int LinkMax = 300;
    public const int SourceMax = 100;
}

/// <summary>
/// A kind of notification people can turn off: its name (<c>case.mentioned</c>), shown as <c>Notifications.Kind.&lt;name&gt;</c>
/// in the four languages; registered with <c>services.AddNotificationKind(name, order)</c> by the module that sends it.
/// </summary>
public sealed record NotificationKind(string Name, int Order)
{
    public string LabelKey => "Notifications.Kind." + Name;
}

/// <summary>
/// Turns events into notifications: the <c>notifications</c> reader of the event feed hands each event whose type is in
/// <see cref="EventTypes"/> to its source, inside the transaction that moves the feed's cursor, and adds what the source
/// drafts (with <c>event:&lt;id&gt;</c> as the source, so an event read again notifies nobody twice). A module registers
/// one with <c>services.AddNotificationSource&lt;T&gt;()</c>.
/// </summary>
public interface INotificationSource
{
    IReadOnlyCollection<string> EventTypes { get; }

    /// <summary>Whom this event concerns and what to tell them; nothing when it concerns nobody.</summary>
    Task<IReadOnlyList<EventNotification>> DraftAsync(RibaltaDbContext db, EventRecord record, CancellationToken ct);
}

/// <summary>One notification an event asks for (its <see cref="NotificationDraft.Source"/> is set by the feed).</summary>
public sealed record EventNotification(NotificationRecipients Recipients, NotificationDraft Draft);

public enum DigestFrequency
{
    Off,
    Hourly,
    Daily,
}

/// <summary>A notification as its reader sees it: the text already in their language.</summary>
public sealed record NotificationDto(
    long Id, string Kind, string Text, string Link, string SubjectType, string SubjectId, long? CaseId, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt);

/// <summary>A page of notifications, newest first; <c>next</c> is the <c>before</c> of the following page (null at the end).</summary>
public sealed record NotificationPage(IReadOnlyList<NotificationDto> Items, long? Next);

public sealed record UnreadCount(int Unread);

public sealed record NotificationKindSetting(string Kind, string Name, bool InApp);

public sealed record NotificationPreferencesDto(DigestFrequency Digest, IReadOnlyList<NotificationKindSetting> Kinds);

/// <summary>The kinds the person turned off (the rest are on), and how often unread notifications are emailed.</summary>
public sealed record NotificationPreferencesInput(DigestFrequency? Digest, IReadOnlyList<string>? Muted);

public sealed record MarkedRead(int Marked);

/// <summary>Reading an event's record from the log: the appended record when in hand, else its stored payload.</summary>
public static class EventPayload
{
    public static TEvent As<TEvent>(this EventRecord record)
        where TEvent : class, IEvent =>
        record.Data as TEvent ?? System.Text.Json.JsonSerializer.Deserialize<TEvent>(record.Payload, EventLog.Json)
            ?? throw new System.Text.Json.JsonException($"Event {record.Id} ({record.Type}) has an empty payload.");
}
