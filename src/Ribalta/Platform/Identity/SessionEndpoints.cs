using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;
using Ribalta.Platform.Localization;

namespace Ribalta.Platform.Identity;

public sealed record SessionRequest(string? Email, string? Password, string? TwoFactorCode);

public sealed record MeResponse(Guid Id, string DisplayName, string Email, IReadOnlyList<string> Roles, string? PreferredLanguage);

/// <summary>Staff sessions: <c>/api/v1/session</c> and <c>/api/v1/me</c> for clients, <c>/logout</c> for the browser's sign-out form.</summary>
internal static class SessionEndpoints
{
    public static IEndpointRouteBuilder MapSessions(this IEndpointRouteBuilder app)
    {
        var session = app.MapGroup("/api/v1/session").WithTags("Session");
        session.MapPost("", SignIn).AllowAnonymous();
        session.MapDelete("", (HttpContext http, SignInSessions sessions, SignInManager<StaffUser> signIn) => SignOut(http, sessions, signIn, everywhere: false))
            .RequireAuthorization(Policies.Staff).WithSummary("Sign out: ends this session on the server");
        session.MapDelete("/all", (HttpContext http, SignInSessions sessions, SignInManager<StaffUser> signIn) => SignOut(http, sessions, signIn, everywhere: true))
            .RequireAuthorization(Policies.Staff).WithSummary("Sign out everywhere: ends every session of the signed-in person, in every browser and client");
        app.MapGet("/api/v1/me", Me).RequireAuthorization(Policies.Staff).WithTags("Session");

        app.MapPost("/logout", (HttpContext h, SignInSessions s, SignInManager<StaffUser> i, IAntiforgery a) => Logout(h, s, i, a, everywhere: false))
            .RequireAuthorization(Policies.Staff).ExcludeFromDescription().DisableAntiforgery();
        app.MapPost("/logout/all", (HttpContext h, SignInSessions s, SignInManager<StaffUser> i, IAntiforgery a) => Logout(h, s, i, a, everywhere: true))
            .RequireAuthorization(Policies.Staff).ExcludeFromDescription().DisableAntiforgery();
        return app;
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> SignIn(
        SessionRequest request,
        StaffSignIn staffSignIn,
        IStringLocalizer<Strings> localizer)
    {
        var outcome = await staffSignIn.PasswordAndCodeAsync(request.Email, request.Password, request.TwoFactorCode);
        if (outcome == SignInOutcome.RequiresTwoFactor)
        {
            return TypedResults.Problem(title: localizer["Login.TwoFactorRequired"].Value, statusCode: StatusCodes.Status401Unauthorized, extensions: new Dictionary<string, object?> { ["code"] = "Login.TwoFactorRequired" });
        }

        // A locked account (Identity still locks it) answers exactly like a wrong password or an unknown address:
        // a different answer would tell anyone with a list of addresses which of them have accounts here.
        return outcome switch
        {
            SignInOutcome.Succeeded => TypedResults.NoContent(),
            _ => TypedResults.Problem(title: localizer["Login.Failed"].Value, statusCode: StatusCodes.Status401Unauthorized, extensions: new Dictionary<string, object?> { ["code"] = "Login.Failed" }),
        };
    }

    private static async Task<NoContent> SignOut(HttpContext http, SignInSessions sessions, SignInManager<StaffUser> signIn, bool everywhere)
    {
        await EndSessionAsync(http, sessions, signIn, everywhere);
        return TypedResults.NoContent();
    }

    /// <summary>Ends the session on the server (so a copy of the cookie stops working too), then clears the browser's cookie.</summary>
    private static async Task EndSessionAsync(HttpContext http, SignInSessions sessions, SignInManager<StaffUser> signIn, bool everywhere)
    {
        if (everywhere && SessionCookieEvents.SubjectOf(http.User, System.Security.Claims.ClaimTypes.NameIdentifier) is { } person && SignInSessions.IdOf(http.User) is not null)
        {
            await sessions.EndAllAsync(SignInSessions.Staff, person, http.RequestAborted);
        }
        else if (SignInSessions.IdOf(http.User) is { } id)
        {
            await sessions.EndAsync(id, http.RequestAborted);
        }

        await signIn.SignOutAsync();
    }

    private static async Task<Results<Ok<MeResponse>, UnauthorizedHttpResult>> Me(UserManager<StaffUser> users, HttpContext http)
    {
        var user = await users.GetUserAsync(http.User);
        if (user is null)
        {
            return TypedResults.Unauthorized();
        }

        var roles = await users.GetRolesAsync(user);
        return TypedResults.Ok(new MeResponse(user.Id, user.DisplayName, user.Email ?? "", roles.Order(StringComparer.Ordinal).ToList(), user.PreferredLanguage));
    }

    private static async Task<IResult> Logout(HttpContext http, SignInSessions sessions, SignInManager<StaffUser> signIn, IAntiforgery antiforgery, bool everywhere)
    {
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return TypedResults.BadRequest();
        }

        await EndSessionAsync(http, sessions, signIn, everywhere);
        return TypedResults.LocalRedirect("/login");
    }
}
