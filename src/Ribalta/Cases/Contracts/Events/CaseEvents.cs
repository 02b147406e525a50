using System.Text.Json.Serialization;
using Ribalta.Platform.Events;

namespace Ribalta.Cases.Contracts.Events;

// A case's own story; each has the case as its subject and the case's customer.

/// <summary>A case opened; <c>departmentId</c> is the team it went to (null: none).</summary>
public sealed record CaseOpened(string Subject, Channel Channel, CasePriority Priority, Guid? DepartmentId = null) : IEvent
{
    public static string Type => "case.opened";
}

/// <summary>The customer wrote on a case that was still open (<c>reopened</c> is always false here).</summary>
public sealed record CaseCustomerWrote(bool Reopened) : IEvent
{
    public static string Type => "case.customer_wrote";
}

/// <summary>The customer wrote on a solved case and it opened again (<c>reopened</c> is always true here).</summary>
public sealed record CaseReopened(bool Reopened) : IEvent
{
    public static string Type => "case.reopened";
}

public sealed record CaseReplied(CaseStatus Before, CaseStatus After) : IEvent
{
    public static string Type => "case.replied";
}

public sealed record CaseNoteAdded(IReadOnlyList<Guid> Mentioned) : IEvent
{
    public static string Type => "case.note_added";
}

public sealed record CaseCallLogged(CallDirection Direction, int Seconds) : IEvent
{
    public static string Type => "case.call_logged";
}

/// <summary>A status change; a case merged into another has no <c>before</c> and names the case it went into.</summary>
public sealed record CaseStatusChanged(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] CaseStatus? Before,
    CaseStatus After,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? MergedInto = null) : IEvent
{
    public static string Type => "case.status_changed";
}

/// <summary>The assignee changed; <c>name</c> is the new assignee's, null when the case was unassigned.</summary>
public sealed record CaseAssigned(Guid? Before, Guid? After, string? Name) : IEvent
{
    public static string Type => "case.assigned";
}

/// <summary>
/// Fields other than status and assignee changed (their names, e.g. <c>priority</c>, <c>department</c>). When the
/// department is among them, <c>departmentId</c> is the new one (absent: the case has none now).
/// </summary>
public sealed record CaseUpdated(
    IReadOnlyList<string> Fields,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Guid? DepartmentId = null) : IEvent
{
    public static string Type => "case.updated";
}

/// <summary>Another case (<c>sourceId</c>) was merged into this one.</summary>
public sealed record CaseMerged(long SourceId, string Subject) : IEvent
{
    public static string Type => "case.merged";
}

public sealed record CaseLinked(long Other) : IEvent
{
    public static string Type => "case.linked";
}

public sealed record CaseUnlinked(long Other) : IEvent
{
    public static string Type => "case.unlinked";
}

/// <summary>A target (<c>firstResponse</c>, <c>resolution</c>) passed its due time unmet.</summary>
public sealed record CaseTargetBreached(string Target, DateTimeOffset DueAt) : IEvent
{
    public static string Type => "case.target_breached";
}

/// <summary>A note named a colleague (<c>staffId</c>).</summary>
public sealed record CaseMentioned(Guid StaffId) : IEvent
{
    public static string Type => "case.mentioned";
}

/// <summary>An entry for staff about something that happened (a bounce, an automatic reply): its localization key.</summary>
public sealed record CaseSystemEntry(string Key) : IEvent
{
    public static string Type => "case.system_entry";
}
