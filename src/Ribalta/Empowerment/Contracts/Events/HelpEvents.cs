using Ribalta.Platform.Events;

namespace Ribalta.Empowerment.Contracts.Events;

// Asking a colleague or a department for help; each has the case as its subject.

/// <summary>Implemented by every help event, so a screen can tell whether one concerns a person or a department.</summary>
public interface IHelpEvent
{
    long HelpRequestId { get; }

    Guid? HelperId { get; }

    Guid? DepartmentId { get; }

    Guid AskedBy { get; }
}

/// <summary>An agent asked a colleague (<c>helperId</c>) or a department for help on the case.</summary>
public sealed record HelpAsked(long HelpRequestId, HelpReason Reason, Guid? HelperId, Guid? DepartmentId, Guid AskedBy, DateTimeOffset DueAt) : IEvent, IHelpEvent
{
    public static string Type => "case.help_asked";
}

/// <summary>Someone in the department asked took the request and joined the case.</summary>
public sealed record HelpTaken(long HelpRequestId, Guid HelperId, Guid? DepartmentId, Guid AskedBy) : IEvent, IHelpEvent
{
    public static string Type => "case.help_taken";

    Guid? IHelpEvent.HelperId => HelperId;
}

/// <summary>The helper answered: approved (granted), declined, or answered a question; how long it took.</summary>
public sealed record HelpAnswered(long HelpRequestId, HelpStatus Status, Guid? ResolutionId, Guid AskedBy, Guid HelperId, Guid? DepartmentId, double Minutes, bool WithinTarget)
    : IEvent, IHelpEvent
{
    public static string Type => "case.help_answered";

    Guid? IHelpEvent.HelperId => HelperId;
}

/// <summary>The agent no longer needs the help.</summary>
public sealed record HelpWithdrawn(long HelpRequestId, Guid? HelperId, Guid? DepartmentId, Guid AskedBy) : IEvent, IHelpEvent
{
    public static string Type => "case.help_withdrawn";
}
