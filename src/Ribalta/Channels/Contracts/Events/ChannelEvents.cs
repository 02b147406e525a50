using Ribalta.Channels.Contracts;
using Ribalta.Platform.Events;

namespace Ribalta.Channels.Contracts.Events;

// The channels cases come in by: chat widgets and mailboxes.

public sealed record ChatWidgetCreated(string Name, bool Enabled, IReadOnlyList<string> Origins, Guid? DepartmentId, Guid? MailboxId) : IEvent
{
    public static string Type => "chat_widget.created";
}

public sealed record ChatWidgetUpdated(string Name, bool Enabled, IReadOnlyList<string> Origins, Guid? DepartmentId, Guid? MailboxId) : IEvent
{
    public static string Type => "chat_widget.updated";
}

public sealed record ChatWidgetDeleted(string Name) : IEvent
{
    public static string Type => "chat_widget.deleted";
}

/// <summary>A mailbox added; <c>inbound</c> reads "protocol host:port security", <c>smtp</c> "host:port security" or null.</summary>
public sealed record MailboxCreated(string Name, string Address, bool Enabled, Guid? DepartmentId, string Inbound, string? Smtp) : IEvent
{
    public static string Type => "mailbox.created";
}

public sealed record MailboxUpdated(string Name, string Address, bool Enabled, Guid? DepartmentId, string Inbound, string? Smtp) : IEvent
{
    public static string Type => "mailbox.updated";
}

public sealed record MailboxDeleted(string Address) : IEvent
{
    public static string Type => "mailbox.deleted";
}

/// <summary>An administrator opened a case from mail the intake had set aside (why: <c>reason</c>).</summary>
public sealed record MailboxSetAsideOpened(Guid SetAsideId, SetAsideReason Reason, long? CaseId) : IEvent
{
    public static string Type => "mailbox.set_aside_opened";
}
