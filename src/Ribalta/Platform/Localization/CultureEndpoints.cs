using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Web;

namespace Ribalta.Platform.Localization;

/// <summary><c>/culture/{code}</c>: the language switcher's link.</summary>
internal static class CultureEndpoints
{
    public static IEndpointRouteBuilder MapCulture(this IEndpointRouteBuilder app)
    {
        app.MapGet("/culture/{code}", SwitchCulture).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    /// <summary>Remembers the chosen language (cookie, and the staff profile when signed in) and goes back.</summary>
    private static async Task<RedirectHttpResult> SwitchCulture(string code, string? returnUrl, HttpContext http, UserManager<StaffUser> users)
    {
        var target = LocalUrl.OrHome(returnUrl);
        if (!SupportedCultures.IsSupported(code))
        {
            return TypedResults.LocalRedirect(target);
        }

        SupportedCultures.WriteCookie(http.Response, code);
        if (http.User.Identity?.IsAuthenticated == true && await users.GetUserAsync(http.User) is { } user && user.PreferredLanguage != code)
        {
            user.PreferredLanguage = code;
            await users.UpdateAsync(user);
        }

        return TypedResults.LocalRedirect(target);
    }
}
