using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

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

            await validateNext(context);
        };
        options.Events.OnCheckSlidingExpiration = async context =>
        {
            if (context.ShouldRenew && SignInSessions.IdOf(context.Principal) is { } id)
            {
                await Sessions(context.HttpContext).RenewedAsync(id, context.HttpContext.RequestAborted);
            }
        };
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
