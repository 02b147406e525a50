using Microsoft.AspNetCore.Identity;
using Ribalta.Platform.Data;
using Ribalta.Platform.Events;
using Ribalta.Platform.Localization;

namespace Ribalta.Platform.Identity;

public enum SignInOutcome
{
    Succeeded,
    Failed,
    LockedOut,
    RequiresTwoFactor,
}

/// <summary>Staff sign-in for both the login page and the session API: the same rules, lockout and audit trail.</summary>
public sealed class StaffSignIn(
    SignInManager<StaffUser> signIn,
    UserManager<StaffUser> users,
    RibaltaDbContext db,
    IHttpContextAccessor http,
    TimeProvider clock)
{
    public async Task<SignInOutcome> PasswordAsync(string? email, string? password, bool remember)
    {
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password) || email.Length > 254 || password.Length > 1000)
        {
            return SignInOutcome.Failed;
        }

        var user = await users.FindByEmailAsync(email.Trim());
        if (user is null)
        {
            return SignInOutcome.Failed;
        }

        if (!user.IsActive)
        {
            // Same answer as a wrong password: a deactivated account reveals nothing.
            return SignInOutcome.Failed;
        }

        var result = await signIn.PasswordSignInAsync(user, password, remember, lockoutOnFailure: true);
        return await RecordAsync(user, result);
    }

    public async Task<SignInOutcome> TwoFactorAsync(string? code, bool remember)
    {
        var user = await signIn.GetTwoFactorAuthenticationUserAsync();
        if (user is null || string.IsNullOrWhiteSpace(code))
        {
            return SignInOutcome.Failed;
        }

        var normalized = code.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        var result = normalized.Length == 6
            ? await signIn.TwoFactorAuthenticatorSignInAsync(normalized, remember, rememberClient: false)
            : await signIn.TwoFactorRecoveryCodeSignInAsync(code.Trim());
        return await RecordAsync(user, result);
    }

    private async Task<SignInOutcome> RecordAsync(StaffUser user, SignInResult result)
    {
        if (result.Succeeded)
        {
            db.Append(clock, new Actor(ActorKind.Staff, user.Id.ToString(), user.DisplayName), StaffEvents.SignedIn, "staff", user.Id.ToString(), new { });
            await db.SaveChangesAsync();
            if (SupportedCultures.IsSupported(user.PreferredLanguage) && http.HttpContext is { } context)
            {
                SupportedCultures.WriteCookie(context.Response, user.PreferredLanguage!);
            }

            return SignInOutcome.Succeeded;
        }

        if (result.IsLockedOut)
        {
            db.Append(clock, Actor.System, StaffEvents.LockedOut, "staff", user.Id.ToString(), new { until = user.LockoutEnd });
            await db.SaveChangesAsync();
            return SignInOutcome.LockedOut;
        }

        return result.RequiresTwoFactor ? SignInOutcome.RequiresTwoFactor : SignInOutcome.Failed;
    }
}
