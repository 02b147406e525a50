using Ribalta.Platform.Contracts.Events;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;

namespace Ribalta.Platform.Identity;

/// <summary>First-run set-up: creates the first administrator with the console token, exactly once.</summary>
public sealed class FirstRunSetup(RibaltaDbContext db, SetupGate setup, StaffDirectory directory, TimeProvider clock)
{
    public async Task<Result<StaffUser>> CompleteSetupAsync(string? token, string? email, string? displayName, string? password, string? preferredLanguage, CancellationToken ct)
    {
        if (!setup.Matches(token))
        {
            return Error.Forbidden("Error.SetupTokenInvalid");
        }

        if (await directory.AnyAdministratorAsync(ct))
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
        var created = await directory.CreateUserAsync(email!.Trim(), displayName!.Trim(), password, preferredLanguage, [StaffRoles.Admin], ct);
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
}
