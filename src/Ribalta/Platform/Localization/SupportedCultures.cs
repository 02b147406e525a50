using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace Ribalta.Platform.Localization;

/// <summary>The four first-class languages. Arabic is right-to-left.</summary>
public static class SupportedCultures
{
    public const string CookieName = ".ribalta.culture";

    public static readonly IReadOnlyList<string> Codes = ["en", "it", "es", "ar"];

    public static bool IsSupported(string? code) => code is not null && Codes.Contains(code, StringComparer.Ordinal);

    /// <summary>The language's own name, so a lost reader can find theirs.</summary>
    public static string NativeName(string code) => code switch
    {
        "en" => "English",
        "it" => "Italiano",
        "es" => "Español",
        "ar" => "العربية",
        _ => code,
    };

    public static bool IsRightToLeft(CultureInfo culture) => culture.TextInfo.IsRightToLeft;

    public static string Direction(CultureInfo culture) => IsRightToLeft(culture) ? "rtl" : "ltr";

    public static RequestLocalizationOptions Configure(RequestLocalizationOptions options)
    {
        var cultures = Codes.Select(c => new CultureInfo(c)).ToList();
        options.DefaultRequestCulture = new RequestCulture("en");
        options.SupportedCultures = cultures;
        options.SupportedUICultures = cultures;
        options.FallBackToParentCultures = true;
        options.FallBackToParentUICultures = true;

        // The person's choice (cookie) first, then what the browser asks for.
        options.RequestCultureProviders =
        [
            new CookieRequestCultureProvider { CookieName = CookieName },
            new AcceptLanguageHeaderRequestCultureProvider(),
        ];
        return options;
    }

    public static void WriteCookie(HttpResponse response, string code) =>
        response.Cookies.Append(
            CookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(code)),
            new CookieOptions { MaxAge = TimeSpan.FromDays(365), HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true });
}
