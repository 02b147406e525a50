using System.Globalization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Ribalta.Platform.Mail;

public enum CustomerMailKind
{
    /// <summary>A portal sign-in link: it carries a secret, so its text is wiped once sent and it is dropped when stale.</summary>
    SignInLink,

    /// <summary>A member of staff's digest of unread notifications (Platform/Notifications): mail to a colleague, through the same outbox.</summary>
    NotificationDigest,
}

/// <summary>A mail to a customer that is not a reply on a case: its words already in the customer's language.</summary>
public sealed record CustomerMail(CustomerMailKind Kind, string ToAddress, string? ToName, string Subject, string Text, string? Language);

/// <summary>
/// The outbox, for modules that write to customers: a mail staged here joins the caller's unit of work and goes out
/// (with retries) only once that is committed. Implemented by the email channel.
/// </summary>
public interface IOutboundMail
{
    /// <summary>Stages the mail; false when no mailbox can send (nothing is staged then).</summary>
    Task<bool> StageAsync(CustomerMail mail, CancellationToken cancellationToken);

    /// <summary>The caller committed: what was staged may go now.</summary>
    void Committed();
}

/// <summary>
/// The address people reach Ribalta at, for links in mail: the <c>PublicUrl</c> setting (required behind a proxy or a
/// load balancer), else the address the server listens on. Never the request's Host header, which a caller chooses:
/// a sign-in link built from it could be sent pointing at someone else's site.
/// </summary>
public sealed class PublicSite(IConfiguration configuration, IServer server)
{
    /// <summary>The configured address, checked (so a typo stops the start, with the setting's name); null when not set.</summary>
    public string? Configured
    {
        get
        {
            if (configuration["PublicUrl"] is not { Length: > 0 } configured)
            {
                return null;
            }

            if (!Uri.TryCreate(configured, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.Query.Length > 0)
            {
                throw new InvalidOperationException($"PublicUrl must be an absolute http(s) address such as https://desk.example.com, not '{configured}'.");
            }

            return configured.TrimEnd('/');
        }
    }

    public string BaseUrl => Configured ?? Listening();

    public string Link(string path) => $"{BaseUrl}/{path.TrimStart('/')}";

    private string Listening()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://127.0.0.1:5080";
        return address.Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal).Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://+", "://127.0.0.1", StringComparison.Ordinal).Replace("://*", "://127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
    }

    /// <summary>Runs <paramref name="write"/> in a language (for mail, whose reader is not the one asking).</summary>
    public static T InLanguage<T>(string? language, Func<T> write)
    {
        var (culture, ui) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        var chosen = Localization.SupportedCultures.IsSupported(language) ? new CultureInfo(language!) : ui;
        (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (chosen, chosen);
        try
        {
            return write();
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, ui);
        }
    }
}
