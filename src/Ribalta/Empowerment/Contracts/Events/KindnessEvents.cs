using Ribalta.Platform.Events;

namespace Ribalta.Empowerment.Contracts.Events;

// Planned kindness: gestures and important moments (subject: the customer), and budgets (subject: the department).

/// <summary>A gesture planned for a day; <c>cost</c> reads "amount currency" when it has one.</summary>
public sealed record GesturePlanned(long GestureId, GestureKind Kind, DateOnly PlannedFor, string? Cost) : IEvent
{
    public static string Type => "customer.gesture_planned";
}

/// <summary>A gesture done: on the customer's timeline and in the team's recognition feed.</summary>
public sealed record GestureDone(long GestureId, GestureKind Kind, string? Note) : IEvent
{
    public static string Type => "customer.gesture_done";
}

public sealed record GestureCancelled(long GestureId, GestureKind Kind, string? Note) : IEvent
{
    public static string Type => "customer.gesture_cancelled";
}

public sealed record MomentNoted(long MomentId, string Title, DateOnly Date, bool Yearly) : IEvent
{
    public static string Type => "customer.moment_noted";
}

public sealed record MomentForgotten(long MomentId) : IEvent
{
    public static string Type => "customer.moment_forgotten";
}

/// <summary>A department's monthly kindness budget set, one "amount currency" per currency.</summary>
public sealed record KindnessBudgetSet(IReadOnlyList<string> Monthly) : IEvent
{
    public static string Type => "kindness.budget_set";
}
