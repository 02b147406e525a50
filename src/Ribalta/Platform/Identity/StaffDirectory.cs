using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;

namespace Ribalta.Platform.Identity;

public sealed record StaffSummary(Guid Id, string DisplayName, string Email, IReadOnlyList<string> Roles, bool IsActive, string? PreferredLanguage, string? Department, bool TwoFactorEnabled, Guid? DepartmentId = null);

/// <summary>A team or back-office department, with how many active people belong to it.</summary>
public sealed record DepartmentDto(Guid Id, string Name, int Members);

/// <summary>
/// Who works here: staff with their roles and departments, the departments, and the one way a staff account is made
/// (by set-up or an accepted invitation). Changes to people live beside it: <see cref="StaffInvitations"/>,
/// <see cref="FirstRunSetup"/>, <see cref="StaffAccess"/> and <see cref="StaffDepartments"/>.
/// </summary>
public sealed class StaffDirectory(RibaltaDbContext db, UserManager<StaffUser> users, TimeProvider clock)
{
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

    public async Task<IReadOnlyList<DepartmentDto>> DepartmentsAsync(CancellationToken ct) =>
        await db.Set<Department>().AsNoTracking().OrderBy(d => d.Name)
            .Select(d => new DepartmentDto(d.Id, d.Name, db.Users.Count(u => u.DepartmentId == d.Id && u.IsActive)))
            .ToListAsync(ct);

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

    private static FieldError ToFieldError(IdentityError error) => error.Code switch
    {
        nameof(IdentityErrorDescriber.PasswordTooShort) => new FieldError("password", "Validation.PasswordTooShort", 12),
        nameof(IdentityErrorDescriber.DuplicateEmail) or nameof(IdentityErrorDescriber.DuplicateUserName) => new FieldError("email", "Validation.EmailTaken"),
        nameof(IdentityErrorDescriber.InvalidEmail) or nameof(IdentityErrorDescriber.InvalidUserName) => new FieldError("email", "Validation.Email"),
        _ => new FieldError("password", "Validation.PasswordWeak"),
    };

    internal static void ThrowIfFailed(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("Identity operation failed: " + string.Join("; ", result.Errors.Select(e => e.Code)));
        }
    }
}
