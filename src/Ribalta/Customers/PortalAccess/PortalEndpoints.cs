using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Ribalta.Platform.Identity;

namespace Ribalta.Customers.PortalAccess;

internal static class PortalEndpoints
{
    public static IEndpointRouteBuilder MapPortalEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/portal/sign-out", async (HttpContext http, IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                return Results.BadRequest();
            }

            await http.SignOutAsync(Policies.CustomerScheme);
            return Results.LocalRedirect("/portal/sign-in");
        }).RequireAuthorization(Policies.Customer).ExcludeFromDescription().DisableAntiforgery();
        return app;
    }
}
