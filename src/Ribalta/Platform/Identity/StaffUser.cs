using Microsoft.AspNetCore.Identity;

namespace Ribalta.Platform.Identity;

/// <summary>A member of staff. Customers are not users: they are people in the Customers module who sign in by link.</summary>
public sealed class StaffUser : IdentityUser<Guid>
{
    public required string DisplayName { get; set; }

    /// <summary>en, it, es or ar; null means "follow the browser".</summary>
    public string? PreferredLanguage { get; set; }

    public bool IsActive { get; set; } = true;

    public Guid? DepartmentId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A team or back-office department staff belong to.</summary>
public sealed class Department
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required string Name { get; set; }
}

/// <summary>An invitation to join as staff; the link carries a secret whose hash is stored here.</summary>
public sealed class StaffInvitation
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required string Email { get; init; }

    public required string DisplayName { get; init; }

    /// <summary>Comma-separated role names granted on acceptance.</summary>
    public required string Roles { get; init; }

    public required string TokenHash { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? AcceptedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public Guid? InvitedBy { get; init; }
}
