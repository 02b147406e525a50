using System.Text.Json.Serialization;
using Ribalta.Platform.Events;

namespace Ribalta.Cases.Contracts.Events;

// How the desk is set up: routing, saved filters, calendars and targets, canned replies.

/// <summary>The organisation's department for new requests changed.</summary>
public sealed record RoutingUpdated(Guid? Before, Guid? After) : IEvent
{
    public static string Type => "routing.updated";
}

public sealed record SavedFilterSaved(string Name, InboxView View, bool Shared) : IEvent
{
    public static string Type => "filter.saved";
}

public sealed record SavedFilterDeleted(string Name) : IEvent
{
    public static string Type => "filter.deleted";
}

/// <summary>
/// A working calendar (the organisation's when <c>departmentId</c> is null) was set, with its time zone, week and how
/// many holidays; or a department's was removed (<c>reset</c>), so it follows the organisation's again.
/// </summary>
public sealed record CalendarChanged(
    Guid? DepartmentId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TimeZone,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Week,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Holidays,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Reset = null) : IEvent
{
    public static string Type => "calendar.changed";
}

/// <summary>The target rules were replaced; <c>count</c> is how many there are now.</summary>
public sealed record TargetsChanged(int Count) : IEvent
{
    public static string Type => "targets.changed";
}

public sealed record CannedReplyCreated(string Title, string Language) : IEvent
{
    public static string Type => "canned_reply.created";
}

public sealed record CannedReplyEdited(string Title, string Language) : IEvent
{
    public static string Type => "canned_reply.edited";
}

public sealed record CannedReplyDeleted(string Title, string Language) : IEvent
{
    public static string Type => "canned_reply.deleted";
}
