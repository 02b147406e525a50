using Microsoft.Extensions.Localization;
using Ribalta.Platform.Localization;

namespace Ribalta.Platform.Mail;

/// <summary>
/// Messages Ribalta writes to a customer by itself (a grant just made, a promise broken) read like the rest of the
/// conversation: a greeting by name, the formal register the organisation's replies use, and a sign-off by the person
/// who has the case. Call inside <see cref="PublicSite.InLanguage{T}"/> so the words are in the customer's language.
/// </summary>
public static class AutomaticMessage
{
    public static string Letter(IStringLocalizer<Strings> localizer, string? customerName, string body, string signer)
    {
        var name = customerName?.Trim();
        var language = System.Globalization.CultureInfo.CurrentUICulture.TwoLetterISOLanguageName;
        if (!string.IsNullOrEmpty(name) && language is "en" or "es")
        {
            // "Hello Maria," and "Hola, María:", as the organisation's canned replies greet; Italian and Arabic use the full name.
            name = name.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        }

        var greeting = string.IsNullOrEmpty(name) ? localizer["Automatic.GreetingNoName"].Value : localizer["Automatic.Greeting", name].Value;
        return $"{greeting}\n\n{body}\n\n{localizer["Automatic.SignOff"].Value}\n{signer}";
    }
}
