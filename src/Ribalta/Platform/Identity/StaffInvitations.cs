using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Ribalta.Platform.Contracts.Events;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Security;

namespace Ribalta.Platform.Identity;

public sealed record InvitationSummary(Guid Id, string Email, string DisplayName, IReadOnlyList<string> Roles, DateTimeOffset ExpiresAt);

public sealed record IssuedInvitation(Guid Id, string Email, string Token, DateTimeOffset ExpiresAt);

/// <summary>
/// An administrator invites someone by email with their roles; the link (a single-use secret, stored hashed) lets them
/// choose a password and join within <see cref="InvitationLifetime"/>, unless it is revoked first.
/// </summary>
public sealed class StaffInvitations(RibaltaDbContext db, UserManager<StaffUser> users, StaffDirectory directory, TimeProvider clock)
{
    public static readonly TimeSpan InvitationLifetime = TimeSpan.FromDays(7);

    /// <summary>Where an invitation leads, relative to the site's base address.</summary>
    public static string InvitationPath(string token) => $"invitation/{token}";

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
        StaffRoles.Validate(validation, roles);
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
        var created = await directory.CreateUserAsync(invitation.Email, invitation.DisplayName, password, preferredLanguage, SplitRoles(invitation.Roles), ct);
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

    private static List<string> SplitRoles(string roles) => roles.Split(',', StringSplitOptions.RemoveEmptyEntries).ToList();
}
