using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Ribalta.Platform.Identity;

/// <summary>
/// Ties a sign-in cookie to a server-side <see cref="SignInSession"/>: signing in starts one and writes its id into the
/// cookie; every request with the cookie checks that the session is still live, and a cookie without one, or whose
/// session has ended, is rejected and removed.
/// </summary>
internal static class SessionCookieEvents
{
    public static void Attach(CookieAuthenticationOptions options, string kind, string subjectClaim)
    {
        var validateNext = options.Events.OnValidatePrincipal;
        options.Events.OnSigningIn = context => SigningInAsync(context, kind, subjectClaim);
        options.Events.OnValidatePrincipal = async context =>
        {
            if (!await ValidateAsync(context, kind, subjectClaim))
            {
                context.RejectPrincipal();
                await context.HttpContext.SignOutAsync(context.Scheme.Name);
                return;
            }

            if (StampCheckDue(context))
            {
                await validateNext(context);
            }
        };
        options.Events.OnCheckSlidingExpiration = async context =>
        {
            if (context.ShouldRenew && SignInSessions.IdOf(context.Principal) is { } id)
            {
                await Sessions(context.HttpContext).RenewedAsync(id, context.HttpContext.RequestAborted);
            }
        };
    }

    /// <summary>
    /// Whether the next validator, Identity's security-stamp check on the staff cookie, would look at the stamp now.
    /// It decides that itself, but only after it is resolved, and resolving it builds a UserManager: a fifth of an
    /// API request's service resolution. The same rule as the validator's: never checked, or not within the interval.
    /// </summary>
    private static bool StampCheckDue(CookieValidatePrincipalContext context)
    {
        if (context.Properties.IssuedUtc is not { } issued)
        {
            return true;
        }

        var options = context.HttpContext.RequestServices.GetRequiredService<IOptions<SecurityStampValidatorOptions>>().Value;
        return (options.TimeProvider ?? TimeProvider.System).GetUtcNow() - issued > options.ValidationInterval;
    }

    public static Guid? SubjectOf(ClaimsPrincipal? user, string subjectClaim) =>
        Guid.TryParse(user?.FindFirstValue(subjectClaim), out var id) ? id : null;

    private static async Task SigningInAsync(CookieSigningInContext context, string kind, string subjectClaim)
    {
        if (context.Principal?.Identity is not ClaimsIdentity identity || SubjectOf(context.Principal, subjectClaim) is not { } subject
            || identity.HasClaim(c => c.Type == SignInSessions.ClaimType))
        {
            return;
        }

        // A cookie re-issued for the same person in the same browser (a refreshed sign-in) keeps its session.
        var sessions = Sessions(context.HttpContext);
        var current = context.HttpContext.User;
        var ct = context.HttpContext.RequestAborted;
        var id = SignInSessions.IdOf(current) is { } existing && SubjectOf(current, subjectClaim) == subject && await sessions.IsLiveAsync(existing, kind, subject, ct)
            ? existing
            : await sessions.StartAsync(kind, subject, ct);
        identity.AddClaim(new Claim(SignInSessions.ClaimType, id.ToString()));
    }

    private static async Task<bool> ValidateAsync(CookieValidatePrincipalContext context, string kind, string subjectClaim) =>
        SignInSessions.IdOf(context.Principal) is { } id
        && SubjectOf(context.Principal, subjectClaim) is { } subject
        && await Sessions(context.HttpContext).IsLiveAsync(id, kind, subject, context.HttpContext.RequestAborted);

    private static SignInSessions Sessions(HttpContext http) => http.RequestServices.GetRequiredService<SignInSessions>();
}
