using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;

namespace Ribalta.Customers.PortalAccess;

internal static class PortalEndpoints
{
    public static IEndpointRouteBuilder MapPortalEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/portal/sign-out", (HttpContext http, IAntiforgery antiforgery, SignInSessions sessions) => SignOutAsync(http, antiforgery, sessions, everywhere: false))
            .RequireAuthorization(Policies.Customer).ExcludeFromDescription().DisableAntiforgery();
        app.MapPost("/portal/sign-out/all", (HttpContext http, IAntiforgery antiforgery, SignInSessions sessions) => SignOutAsync(http, antiforgery, sessions, everywhere: true))
            .RequireAuthorization(Policies.Customer).ExcludeFromDescription().DisableAntiforgery();
        return app;
    }

    /// <summary>Ends the portal session on the server (a saved copy of the cookie stops working too), or all of the customer's.</summary>
    private static async Task<IResult> SignOutAsync(HttpContext http, IAntiforgery antiforgery, SignInSessions sessions, bool everywhere)
    {
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return Results.BadRequest();
        }

        var result = await http.AuthenticateAsync(Policies.CustomerScheme);
        if (everywhere && SessionCookieEvents.SubjectOf(result.Principal, Actor.CustomerIdClaim) is { } customer)
        {
            await sessions.EndAllAsync(SignInSessions.Customer, customer, http.RequestAborted);
        }
        else if (SignInSessions.IdOf(result.Principal) is { } id)
        {
            await sessions.EndAsync(id, http.RequestAborted);
        }

        await http.SignOutAsync(Policies.CustomerScheme);
        return Results.LocalRedirect("/portal/sign-in");
    }
}
