using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Ribalta.Platform.Contracts.Events;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Security;

namespace Ribalta.Platform.Identity;

public sealed record StaffSummary(Guid Id, string DisplayName, string Email, IReadOnlyList<string> Roles, bool IsActive, string? PreferredLanguage, string? Department, bool TwoFactorEnabled, Guid? DepartmentId = null);

/// <summary>A team or back-office department, with how many active people belong to it.</summary>
public sealed record DepartmentDto(Guid Id, string Name, int Members);

public sealed record DepartmentInput(string? Name);

public sealed record StaffDepartmentInput(Guid? DepartmentId);

public sealed record InvitationSummary(Guid Id, string Email, string DisplayName, IReadOnlyList<string> Roles, DateTimeOffset ExpiresAt);

public sealed record IssuedInvitation(Guid Id, string Email, string Token, DateTimeOffset ExpiresAt);

/// <summary>
/// Everything an administrator does to staff accounts, plus first-run set-up and accepting an invitation.
/// Each change and its audit event commit together.
/// </summary>
public sealed class StaffDirectory(
    RibaltaDbContext db,
    UserManager<StaffUser> users,
    SetupGate setup,
    SignInSessions sessions,
    TimeProvider clock)
{
    public static readonly TimeSpan InvitationLifetime = TimeSpan.FromDays(7);

    /// <summary>Where an invitation leads, relative to the site's base address.</summary>
    public static string InvitationPath(string token) => $"invitation/{token}";

    public async Task<IReadOnlyList<StaffSummary>> ListAsync(string? search, CancellationToken ct)
    {
        var query = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim().ToUpperInvariant();
            query = query.Where(u => u.NormalizedEmail!.Contains(term) || u.DisplayName.ToUpper().Contains(term));
        }

        var page = await query
            .OrderBy(u => u.DisplayName).ThenBy(u => u.Id)
            .Take(500)
            .Select(u => new
            {
                u.Id,
                u.DisplayName,
                u.Email,
                u.IsActive,
                u.PreferredLanguage,
                u.TwoFactorEnabled,
                u.DepartmentId,
                Department = db.Set<Department>().Where(d => d.Id == u.DepartmentId).Select(d => d.Name).FirstOrDefault(),
            })
            .ToListAsync(ct);

        var ids = page.Select(u => u.Id).ToList();
        var roles = await (from ur in db.UserRoles
                           join r in db.Roles on ur.RoleId equals r.Id
                           where ids.Contains(ur.UserId)
                           select new { ur.UserId, r.Name }).ToListAsync(ct);
        var rolesByUser = roles.ToLookup(r => r.UserId, r => r.Name!);

        return page.Select(u => new StaffSummary(u.Id, u.DisplayName, u.Email ?? "", rolesByUser[u.Id].Order(StringComparer.Ordinal).ToList(), u.IsActive, u.PreferredLanguage, u.Department, u.TwoFactorEnabled, u.DepartmentId)).ToList();
    }

    public async Task<IReadOnlyList<InvitationSummary>> PendingInvitationsAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var pending = await db.Set<StaffInvitation>().AsNoTracking()
            .Where(i => i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now)
            .OrderByDescending(i => i.CreatedAt)
            .Take(200)
            .ToListAsync(ct);
        return pending.Select(i => new InvitationSummary(i.Id, i.Email, i.DisplayName, SplitRoles(i.Roles), i.ExpiresAt)).ToList();
    }

    public async Task<Result<IssuedInvitation>> InviteAsync(Actor actor, string? email, string? displayName, IReadOnlyCollection<string>? roles, CancellationToken ct)
    {
        var validation = new ValidationBuilder()
            .Required("email", email, 254).Email("email", email)
            .Required("displayName", displayName, 200).NoControlCharacters("displayName", displayName);
        ValidateRoles(validation, roles);
        if (validation.ToError() is { } invalid)
        {
            return invalid;
        }

        var normalized = users.NormalizeEmail(email!.Trim());
        if (await db.Users.AnyAsync(u => u.NormalizedEmail == normalized, ct))
        {
            return Error.Validation("email", "Validation.EmailTaken");
        }

        var token = SecretToken.Create();
        var now = clock.GetUtcNow();
        var invitation = new StaffInvitation
        {
            Email = email.Trim(),
            DisplayName = displayName!.Trim(),
            Roles = string.Join(',', roles!.Distinct(StringComparer.Ordinal)),
            TokenHash = SecretToken.Hash(token),
            CreatedAt = now,
            ExpiresAt = now + InvitationLifetime,
            InvitedBy = actor.Id is { } id && Guid.TryParse(id, out var by) ? by : null,
        };
        db.Add(invitation);
        db.Append(clock, actor, new StaffInvited(invitation.Email, invitation.DisplayName, SplitRoles(invitation.Roles), invitation.ExpiresAt), "staff_invitation", invitation.Id.ToString());
        await db.SaveChangesAsync(ct);
        return new IssuedInvitation(invitation.Id, invitation.Email, token, invitation.ExpiresAt);
    }

    public async Task<Result<bool>> RevokeInvitationAsync(Actor actor, Guid invitationId, CancellationToken ct)
    {
        var invitation = await db.Set<StaffInvitation>().FirstOrDefaultAsync(i => i.Id == invitationId && i.AcceptedAt == null && i.RevokedAt == null, ct);
        if (invitation is null)
        {
            return Error.NotFound();
        }

        invitation.RevokedAt = clock.GetUtcNow();
        db.Append(clock, actor, new StaffInvitationRevoked(invitation.Email), "staff_invitation", invitation.Id.ToString());
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>The invitation a link points to, if it can still be accepted.</summary>
    public async Task<InvitationSummary?> FindInvitationAsync(string? token, CancellationToken ct)
    {
        var invitation = await FindOpenInvitation(token, ct);
        return invitation is null ? null : new InvitationSummary(invitation.Id, invitation.Email, invitation.DisplayName, SplitRoles(invitation.Roles), invitation.ExpiresAt);
    }

    public async Task<Result<StaffUser>> AcceptInvitationAsync(string? token, string? password, string? preferredLanguage, CancellationToken ct)
    {
        var invitation = await FindOpenInvitation(token, ct);
        if (invitation is null)
        {
            return Error.NotFound("Error.InvitationInvalid");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var created = await CreateUserAsync(invitation.Email, invitation.DisplayName, password, preferredLanguage, SplitRoles(invitation.Roles), ct);
        if (!created.IsSuccess)
        {
            return created;
        }

        invitation.AcceptedAt = clock.GetUtcNow();
        var user = created.Value;
        db.Append(clock, new Actor(ActorKind.Staff, user.Id.ToString(), user.DisplayName), new StaffJoined(user.Email, SplitRoles(invitation.Roles), invitation.Id), "staff", user.Id.ToString());
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return user;
    }

    /// <summary>First-run set-up: creates the first administrator with the console token, exactly once.</summary>
    public async Task<Result<StaffUser>> CompleteSetupAsync(string? token, string? email, string? displayName, string? password, string? preferredLanguage, CancellationToken ct)
    {
        if (!setup.Matches(token))
        {
            return Error.Forbidden("Error.SetupTokenInvalid");
        }

        if (await AnyAdministratorAsync(ct))
        {
            // Set-up is for an empty installation only; an administrator invites everyone else.
            setup.Close();
            return Error.Forbidden("Error.SetupTokenInvalid");
        }

        var validation = new ValidationBuilder()
            .Required("email", email, 254).Email("email", email)
            .Required("displayName", displayName, 200).NoControlCharacters("displayName", displayName);
        if (validation.ToError() is { } invalid)
        {
            return invalid;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var created = await CreateUserAsync(email!.Trim(), displayName!.Trim(), password, preferredLanguage, [StaffRoles.Admin], ct);
        if (!created.IsSuccess)
        {
            return created;
        }

        // Consume last: a rejected password leaves the token usable for a second try, but two racing callers cannot both win.
        if (!setup.TryConsume(token))
        {
            return Error.Forbidden("Error.SetupTokenInvalid");
        }

        var user = created.Value;
        db.Append(clock, new Actor(ActorKind.Staff, user.Id.ToString(), user.DisplayName), new StaffSetupCompleted(user.Email), "staff", user.Id.ToString());
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return user;
    }

    public async Task<Result<StaffSummary>> SetRolesAsync(Actor actor, Guid userId, IReadOnlyCollection<string>? roles, CancellationToken ct)
    {
        var validation = new ValidationBuilder();
        ValidateRoles(validation, roles);
        if (validation.ToError() is { } invalid)
        {
            return invalid;
        }

        var user = await users.FindByIdAsync(userId.ToString());
        if (user is null)
        {
            return Error.NotFound();
        }

        var current = await users.GetRolesAsync(user);
        var wanted = roles!.Distinct(StringComparer.Ordinal).ToList();
        if (current.Contains(StaffRoles.Admin) && !wanted.Contains(StaffRoles.Admin) && await IsLastActiveAdminAsync(user.Id, ct))
        {
            return Error.Conflict("Error.LastAdmin");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var removed = current.Except(wanted).ToList();
        var added = wanted.Except(current).ToList();
        if (removed.Count > 0)
        {
            ThrowIfFailed(await users.RemoveFromRolesAsync(user, removed));
        }

        if (added.Count > 0)
        {
            ThrowIfFailed(await users.AddToRolesAsync(user, added));
        }

        db.Append(clock, actor, new StaffRolesChanged(current.Order(StringComparer.Ordinal).ToList(), wanted.Order(StringComparer.Ordinal).ToList()), "staff", user.Id.ToString());
        ThrowIfFailed(await users.UpdateSecurityStampAsync(user));
        await transaction.CommitAsync(ct);
        return (await ListOneAsync(user.Id, ct))!;
    }

    public async Task<Result<StaffSummary>> SetActiveAsync(Actor actor, Guid userId, bool active, CancellationToken ct)
    {
        var user = await users.FindByIdAsync(userId.ToString());
        if (user is null)
        {
            return Error.NotFound();
        }

        if (!active && actor.Id == user.Id.ToString())
        {
            return Error.Conflict("Error.CannotDeactivateSelf");
        }

        if (!active && await users.IsInRoleAsync(user, StaffRoles.Admin) && await IsLastActiveAdminAsync(user.Id, ct))
        {
            return Error.Conflict("Error.LastAdmin");
        }

        if (user.IsActive == active)
        {
            return (await ListOneAsync(user.Id, ct))!;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        user.IsActive = active;
        user.LockoutEnd = active ? null : DateTimeOffset.MaxValue;
        if (active)
        {
            db.Append(clock, actor, new StaffReactivated(user.Email), "staff", user.Id.ToString());
        }
        else
        {
            db.Append(clock, actor, new StaffDeactivated(user.Email), "staff", user.Id.ToString());
        }

        // Every session the person holds ends now; the new security stamp also invalidates their cookies.
        ThrowIfFailed(await users.UpdateSecurityStampAsync(user));
        await transaction.CommitAsync(ct);
        if (!active)
        {
            await sessions.EndAllAsync(SignInSessions.Staff, user.Id, ct);
        }

        return (await ListOneAsync(user.Id, ct))!;
    }

    public const int DepartmentNameMax = 200;

    public async Task<IReadOnlyList<DepartmentDto>> DepartmentsAsync(CancellationToken ct) =>
        await db.Set<Department>().AsNoTracking().OrderBy(d => d.Name)
            .Select(d => new DepartmentDto(d.Id, d.Name, db.Users.Count(u => u.DepartmentId == d.Id && u.IsActive)))
            .ToListAsync(ct);

    /// <summary>Creates a department, or renames one when <paramref name="id"/> is given. Names are unique, ignoring case.</summary>
    public async Task<Result<DepartmentDto>> SaveDepartmentAsync(Actor actor, Guid? id, DepartmentInput input, CancellationToken ct)
    {
        var v = new ValidationBuilder().Required("name", input.Name, DepartmentNameMax).NoControlCharacters("name", input.Name);
        if (v.ToError() is { } invalid)
        {
            return invalid;
        }

        var name = input.Name!.Trim();
        var department = id is { } existing ? await db.Set<Department>().FirstOrDefaultAsync(d => d.Id == existing, ct) : new Department { Name = name };
        if (department is null)
        {
            return Error.NotFound();
        }

        var upper = name.ToUpperInvariant();
        if ((await db.Set<Department>().Where(d => d.Id != department.Id).Select(d => d.Name).ToListAsync(ct)).Any(n => n.ToUpperInvariant() == upper))
        {
            return Error.Validation("name", "Validation.DepartmentTaken", name);
        }

        var before = department.Name;
        department.Name = name;
        if (id is null)
        {
            db.Add(department);
        }

        if (id is null)
        {
            db.Append(clock, actor, new DepartmentCreated(null, name), "department", department.Id.ToString());
        }
        else
        {
            db.Append(clock, actor, new DepartmentRenamed(before, name), "department", department.Id.ToString());
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            return Error.Validation("name", "Validation.DepartmentTaken", name);
        }

        return (await DepartmentsAsync(ct)).First(d => d.Id == department.Id);
    }

    /// <summary>Puts someone in a department (their team), or in none.</summary>
    public async Task<Result<StaffSummary>> SetDepartmentAsync(Actor actor, Guid userId, Guid? departmentId, CancellationToken ct)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null)
        {
            return Error.NotFound();
        }

        if (departmentId is { } d && !await db.Set<Department>().AnyAsync(x => x.Id == d, ct))
        {
            return Error.Validation("departmentId", "Validation.DepartmentUnknown");
        }

        if (user.DepartmentId != departmentId)
        {
            db.Append(clock, actor, new StaffDepartmentChanged(user.DepartmentId, departmentId), "staff", user.Id.ToString());
            user.DepartmentId = departmentId;
            await db.SaveChangesAsync(ct);
        }

        return (await ListOneAsync(user.Id, ct))!;
    }

    public async Task<StaffSummary?> ListOneAsync(Guid id, CancellationToken ct)
    {
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct);
        if (user is null)
        {
            return null;
        }

        var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == id select r.Name!).ToListAsync(ct);
        var department = await db.Set<Department>().Where(d => d.Id == user.DepartmentId).Select(d => d.Name).FirstOrDefaultAsync(ct);
        return new StaffSummary(user.Id, user.DisplayName, user.Email ?? "", roles.Order(StringComparer.Ordinal).ToList(), user.IsActive, user.PreferredLanguage, department, user.TwoFactorEnabled, user.DepartmentId);
    }

    public Task<bool> AnyAdministratorAsync(CancellationToken ct) =>
        (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where r.Name == StaffRoles.Admin select ur).AnyAsync(ct);

    /// <summary>Creates a user in the caller's transaction; password problems come back as field errors.</summary>
    internal async Task<Result<StaffUser>> CreateUserAsync(string email, string displayName, string? password, string? preferredLanguage, IReadOnlyList<string> roles, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(password))
        {
            return Error.Validation("password", "Validation.Required");
        }

        var user = new StaffUser
        {
            Id = Guid.CreateVersion7(),
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = displayName,
            PreferredLanguage = Localization.SupportedCultures.IsSupported(preferredLanguage) ? preferredLanguage : null,
            CreatedAt = clock.GetUtcNow(),
        };
        var result = await users.CreateAsync(user, password);
        if (!result.Succeeded)
        {
            return Error.Validation(result.Errors.Select(ToFieldError).ToList());
        }

        ThrowIfFailed(await users.AddToRolesAsync(user, roles));
        return user;
    }

    private async Task<bool> IsLastActiveAdminAsync(Guid userId, CancellationToken ct) =>
        !await (from ur in db.UserRoles
                join r in db.Roles on ur.RoleId equals r.Id
                join u in db.Users on ur.UserId equals u.Id
                where r.Name == StaffRoles.Admin && u.IsActive && u.Id != userId
                select u.Id).AnyAsync(ct);

    private async Task<StaffInvitation?> FindOpenInvitation(string? token, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 100)
        {
            return null;
        }

        var hash = SecretToken.Hash(token);
        var now = clock.GetUtcNow();
        return await db.Set<StaffInvitation>().FirstOrDefaultAsync(i => i.TokenHash == hash && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now, ct);
    }

    private static void ValidateRoles(ValidationBuilder validation, IReadOnlyCollection<string>? roles)
    {
        if (roles is null || roles.Count == 0)
        {
            validation.Add("roles", "Validation.RoleRequired");
        }
        else if (roles.FirstOrDefault(r => !StaffRoles.IsKnown(r)) is { } unknown)
        {
            validation.Add("roles", "Validation.RoleUnknown", unknown);
        }
    }

    private static FieldError ToFieldError(IdentityError error) => error.Code switch
    {
        nameof(IdentityErrorDescriber.PasswordTooShort) => new FieldError("password", "Validation.PasswordTooShort", 12),
        nameof(IdentityErrorDescriber.DuplicateEmail) or nameof(IdentityErrorDescriber.DuplicateUserName) => new FieldError("email", "Validation.EmailTaken"),
        nameof(IdentityErrorDescriber.InvalidEmail) or nameof(IdentityErrorDescriber.InvalidUserName) => new FieldError("email", "Validation.Email"),
        _ => new FieldError("password", "Validation.PasswordWeak"),
    };

    private static void ThrowIfFailed(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("Identity operation failed: " + string.Join("; ", result.Errors.Select(e => e.Code)));
        }
    }

    private static List<string> SplitRoles(string roles) => roles.Split(',', StringSplitOptions.RemoveEmptyEntries).ToList();
}

