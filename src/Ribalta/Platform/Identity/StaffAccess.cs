using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Ribalta.Platform.Contracts.Events;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;

namespace Ribalta.Platform.Identity;

/// <summary>
/// What a person may do, and whether at all: their roles, and deactivation (which ends every session they hold). The
/// last active administrator keeps both.
/// </summary>
public sealed class StaffAccess(RibaltaDbContext db, UserManager<StaffUser> users, SignInSessions sessions, StaffDirectory directory, TimeProvider clock)
{
    public async Task<Result<StaffSummary>> SetRolesAsync(Actor actor, Guid userId, IReadOnlyCollection<string>? roles, CancellationToken ct)
    {
        var validation = new ValidationBuilder();
        StaffRoles.Validate(validation, roles);
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
            StaffDirectory.ThrowIfFailed(await users.RemoveFromRolesAsync(user, removed));
        }

        if (added.Count > 0)
        {
            StaffDirectory.ThrowIfFailed(await users.AddToRolesAsync(user, added));
        }

        db.Append(clock, actor, new StaffRolesChanged(current.Order(StringComparer.Ordinal).ToList(), wanted.Order(StringComparer.Ordinal).ToList()), "staff", user.Id.ToString());
        StaffDirectory.ThrowIfFailed(await users.UpdateSecurityStampAsync(user));
        await transaction.CommitAsync(ct);
        return (await directory.ListOneAsync(user.Id, ct))!;
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
            return (await directory.ListOneAsync(user.Id, ct))!;
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
        StaffDirectory.ThrowIfFailed(await users.UpdateSecurityStampAsync(user));
        await transaction.CommitAsync(ct);
        if (!active)
        {
            await sessions.EndAllAsync(SignInSessions.Staff, user.Id, ct);
        }

        return (await directory.ListOneAsync(user.Id, ct))!;
    }

    private async Task<bool> IsLastActiveAdminAsync(Guid userId, CancellationToken ct) =>
        !await (from ur in db.UserRoles
                join r in db.Roles on ur.RoleId equals r.Id
                join u in db.Users on ur.UserId equals u.Id
                where r.Name == StaffRoles.Admin && u.IsActive && u.Id != userId
                select u.Id).AnyAsync(ct);
}
