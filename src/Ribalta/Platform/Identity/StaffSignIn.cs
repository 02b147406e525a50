using Microsoft.AspNetCore.Identity;
using Ribalta.Platform.Contracts.Events;
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
        var user = await FindActiveAsync(email, password);
        if (user is null)
        {
            return SignInOutcome.Failed;
        }

        var result = await signIn.PasswordSignInAsync(user, password!, remember, lockoutOnFailure: true);
        return await RecordAsync(user, result);
    }

    /// <summary>
    /// Sign-in in one request for API callers: password and, when the account has two-step sign-in, the
    /// authenticator or a recovery code. A wrong code counts towards lockout like a wrong password.
    /// </summary>
    public async Task<SignInOutcome> PasswordAndCodeAsync(string? email, string? password, string? code)
    {
        var user = await FindActiveAsync(email, password);
        if (user is null)
        {
            return SignInOutcome.Failed;
        }

        var check = await signIn.CheckPasswordSignInAsync(user, password!, lockoutOnFailure: true);
        if (!check.Succeeded)
        {
            return await RecordAsync(user, check);
        }

        if (await users.GetTwoFactorEnabledAsync(user))
        {
            if (string.IsNullOrWhiteSpace(code))
            {
                return SignInOutcome.RequiresTwoFactor;
            }

            if (!await VerifyCodeAsync(user, code))
            {
                await users.AccessFailedAsync(user);
                return await users.IsLockedOutAsync(user) ? await RecordAsync(user, SignInResult.LockedOut) : SignInOutcome.Failed;
            }
        }

        await signIn.SignInAsync(user, isPersistent: false);
        return await RecordAsync(user, SignInResult.Success);
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

    /// <summary>The account a sign-in names, if it exists and is active; a deactivated account answers like a wrong password.</summary>
    private async Task<StaffUser?> FindActiveAsync(string? email, string? password)
    {
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password) || email.Length > 254 || password.Length > 1000)
        {
            return null;
        }

        var user = await users.FindByEmailAsync(email.Trim());
        return user is { IsActive: true } ? user : null;
    }

    private async Task<bool> VerifyCodeAsync(StaffUser user, string code)
    {
        var digits = code.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        return digits.Length == 6 && digits.All(char.IsAsciiDigit)
            ? await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, digits)
            : (await users.RedeemTwoFactorRecoveryCodeAsync(user, code.Trim())).Succeeded;
    }

    private async Task<SignInOutcome> RecordAsync(StaffUser user, SignInResult result)
    {
        if (result.Succeeded)
        {
            db.Append(clock, new Actor(ActorKind.Staff, user.Id.ToString(), user.DisplayName), new StaffSignedIn(), "staff", user.Id.ToString());
            await db.SaveChangesAsync();
            if (SupportedCultures.IsSupported(user.PreferredLanguage) && http.HttpContext is { } context)
            {
                SupportedCultures.WriteCookie(context.Response, user.PreferredLanguage!);
            }

            return SignInOutcome.Succeeded;
        }

        if (result.IsLockedOut)
        {
            db.Append(clock, Actor.System, new StaffLockedOut(user.LockoutEnd), "staff", user.Id.ToString());
            await db.SaveChangesAsync();
            return SignInOutcome.LockedOut;
        }

        return result.RequiresTwoFactor ? SignInOutcome.RequiresTwoFactor : SignInOutcome.Failed;
    }
}
