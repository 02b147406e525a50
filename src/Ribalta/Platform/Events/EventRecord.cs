namespace Ribalta.Platform.Events;

/// <summary>
/// One entry in the append-only event log, written in the same transaction as the state change it describes.
/// Insights, live updates, webhooks, the audit view and customer timelines all read it.
/// </summary>
public sealed class EventRecord
{
    public long Id { get; private set; }

    public DateTimeOffset OccurredAt { get; init; }

    /// <summary>Dotted, past tense: <c>customer.created</c>.</summary>
    public required string Type { get; init; }

    public ActorKind ActorKind { get; init; }

    public string? ActorId { get; init; }

    public string? ActorName { get; init; }

    public required string SubjectType { get; init; }

    public required string SubjectId { get; init; }

    /// <summary>The customer the event concerns, when there is one: it feeds the customer's timeline.</summary>
    public Guid? CustomerId { get; init; }

    /// <summary>JSON with the facts of the change (what it was, what it became).</summary>
    public required string Payload { get; init; }

    /// <summary>An event read back from the log by a query that selects its columns (the feed's reading of a few types).</summary>
    internal static EventRecord Read(long id, DateTimeOffset occurredAt, string type, ActorKind actorKind, string? actorId, string? actorName, string subjectType, string subjectId, Guid? customerId, string payload) =>
        new()
        {
            Id = id, OccurredAt = occurredAt, Type = type, ActorKind = actorKind, ActorId = actorId, ActorName = actorName,
            SubjectType = subjectType, SubjectId = subjectId, CustomerId = customerId, Payload = payload,
        };

    /// <summary>
    /// The event as appended (not stored): in-process subscribers and live panels match on it. Null on events read
    /// back from the table, whose only form is <see cref="Payload"/>.
    /// </summary>
    public IEvent? Data { get; init; }
}

public enum ActorKind
{
    System = 0,
    Staff = 1,
    Customer = 2,
    Integration = 3,
}
