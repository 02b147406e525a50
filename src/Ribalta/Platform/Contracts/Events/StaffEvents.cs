using Ribalta.Platform.Events;

namespace Ribalta.Platform.Contracts.Events;

// Staff accounts and departments. Subjects: the staff member, their invitation, or the department.

public sealed record StaffInvited(string Email, string DisplayName, IReadOnlyList<string> Roles, DateTimeOffset ExpiresAt) : IEvent
{
    public static string Type => "staff.invited";
}

public sealed record StaffInvitationRevoked(string Email) : IEvent
{
    public static string Type => "staff.invitation_revoked";
}

/// <summary>An invitation was accepted: the person now has an account (the subject).</summary>
public sealed record StaffJoined(string? Email, IReadOnlyList<string> Roles, Guid InvitationId) : IEvent
{
    public static string Type => "staff.joined";
}

/// <summary>The first administrator set the installation up.</summary>
public sealed record StaffSetupCompleted(string? Email) : IEvent
{
    public static string Type => "staff.setup_completed";
}

public sealed record StaffRolesChanged(IReadOnlyList<string> Before, IReadOnlyList<string> After) : IEvent
{
    public static string Type => "staff.roles_changed";
}

public sealed record StaffDepartmentChanged(Guid? Before, Guid? After) : IEvent
{
    public static string Type => "staff.department_changed";
}

public sealed record StaffDeactivated(string? Email) : IEvent
{
    public static string Type => "staff.deactivated";
}

public sealed record StaffReactivated(string? Email) : IEvent
{
    public static string Type => "staff.reactivated";
}

public sealed record StaffSignedIn : IEvent
{
    public static string Type => "staff.signed_in";
}

/// <summary>Too many failed sign-ins: the account is locked <c>until</c>.</summary>
public sealed record StaffLockedOut(DateTimeOffset? Until) : IEvent
{
    public static string Type => "staff.locked_out";
}

public sealed record StaffTwoFactorEnabled : IEvent
{
    public static string Type => "staff.two_factor_enabled";
}

public sealed record StaffTwoFactorDisabled : IEvent
{
    public static string Type => "staff.two_factor_disabled";
}

/// <summary>A department created; <c>before</c> is always null (the shape it shares with a rename).</summary>
public sealed record DepartmentCreated(string? Before, string After) : IEvent
{
    public static string Type => "department.created";
}

public sealed record DepartmentRenamed(string? Before, string After) : IEvent
{
    public static string Type => "department.renamed";
}
