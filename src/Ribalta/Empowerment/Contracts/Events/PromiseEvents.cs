using Ribalta.Platform.Events;

namespace Ribalta.Empowerment.Contracts.Events;

// The promise ledger; each has the case as its subject.

/// <summary>Implemented by every promise event, so a screen can tell whose promise changed.</summary>
public interface IPromiseEvent
{
    long PromiseId { get; }

    Guid OwnerId { get; }
}

public sealed record PromiseMade(long PromiseId, PromiseKind Kind, DateTimeOffset DueAt, Guid OwnerId) : IEvent, IPromiseEvent
{
    public static string Type => "case.promise_made";
}

/// <summary><c>late</c> when it was kept after its due time.</summary>
public sealed record PromiseKept(long PromiseId, Guid OwnerId, bool Late) : IEvent, IPromiseEvent
{
    public static string Type => "case.promise_kept";
}

/// <summary>A breakdown: the due time passed and the promise was not kept; whether the customer was told.</summary>
public sealed record PromiseBroken(long PromiseId, PromiseKind Kind, Guid OwnerId, DateTimeOffset DueAt, bool CustomerTold) : IEvent, IPromiseEvent
{
    public static string Type => "case.promise_broken";
}

public sealed record PromiseReleased(long PromiseId, Guid OwnerId, string? Reason) : IEvent, IPromiseEvent
{
    public static string Type => "case.promise_released";
}
