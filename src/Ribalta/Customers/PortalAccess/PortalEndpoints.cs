using System.Globalization;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Localization;

namespace Ribalta.Customers.PortalAccess;

public sealed record PortalLinkResponse(string Url, DateTimeOffset ExpiresAt);

/// <summary>A sign-in link was put in the outbox for this address.</summary>
public sealed record PortalLinkEmailed(string EmailedTo);

/// <summary>The portal's doors: sign-in links staff issue (on the customers group) and the customer's sign-out.</summary>
internal static class PortalEndpoints
{
    public static IEndpointRouteBuilder MapPortal(this IEndpointRouteBuilder app, IEndpointRouteBuilder customers)
    {
        customers.MapPost("/{id:guid}/portal-links", IssuePortalLink).RequireAuthorization(Policies.CustomersWrite);
        customers.MapPost("/{id:guid}/portal-links/email", EmailPortalLink).RequireAuthorization(Policies.CustomersWrite)
            .WithSummary("Mail the customer a sign-in link for the portal (to their first email); answers where it went");

        app.MapPost("/portal/sign-out", (HttpContext http, IAntiforgery antiforgery, SignInSessions sessions) => SignOutAsync(http, antiforgery, sessions, everywhere: false))
            .RequireAuthorization(Policies.Customer).ExcludeFromDescription().DisableAntiforgery();
        app.MapPost("/portal/sign-out/all", (HttpContext http, IAntiforgery antiforgery, SignInSessions sessions) => SignOutAsync(http, antiforgery, sessions, everywhere: true))
            .RequireAuthorization(Policies.Customer).ExcludeFromDescription().DisableAntiforgery();
        return app;
    }

    private static async Task<Results<Ok<PortalLinkResponse>, ValidationProblem, ProblemHttpResult>> IssuePortalLink(
        Guid id,
        PortalLinks links,
        Actor actor,
        HttpContext http,
        IStringLocalizer<Strings> localizer,
        CancellationToken ct) =>
        (await links.IssueAsync(actor, id, ct))
            .ToHttp(l => TypedResults.Ok(new PortalLinkResponse($"{http.Request.Scheme}://{http.Request.Host}/{PortalLinks.SignInPath(l.Token)}", l.ExpiresAt)), localizer);

    private static async Task<Results<Accepted<PortalLinkEmailed>, ValidationProblem, ProblemHttpResult>> EmailPortalLink(
        Guid id,
        PortalLinks links,
        Actor actor,
        IStringLocalizer<Strings> localizer,
        CancellationToken ct) =>
        (await links.EmailAsync(actor, id, null, CultureInfo.CurrentUICulture.Name, ct))
            .ToHttp(to => TypedResults.Accepted((string?)null, new PortalLinkEmailed(to)), localizer);

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
