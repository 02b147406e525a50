namespace Ribalta.Platform.Web;

/// <summary>
/// Headers every response carries, pages, JSON and errors alike: no content sniffing, a referrer that leaves only the
/// origin across sites, no powerful browser features, and a Content-Security-Policy that runs only the application's
/// own script files (Blazor needs nothing inline: its script is a file and its circuit a same-origin WebSocket).
/// A response that sets its own policy keeps it: attachment downloads and mail bodies are sandboxed more tightly.
/// </summary>
internal sealed class SecurityHeaders(RequestDelegate next)
{
    // Only features Chromium knows: an unknown one (bluetooth) is logged as an error on every page.
    public const string PermissionsPolicy = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), hid=()";

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var http = (HttpContext)state;
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.TryAdd("Referrer-Policy", "strict-origin-when-cross-origin");
            headers.TryAdd("Permissions-Policy", PermissionsPolicy);
            if (!headers.ContainsKey("Content-Security-Policy"))
            {
                headers.ContentSecurityPolicy = Policy(http.Request);
            }

            return Task.CompletedTask;
        }, context);
        return next(context);
    }

    public static string Policy(HttpRequest request)
    {
        // Older browsers do not count ws(s) to the same host as 'self'; name it.
        var socket = (request.IsHttps ? "wss://" : "ws://") + request.Host.Value;

        // The chat preview shows the widget as a customer's site would, and is framed as before; every other page may
        // be framed only by Ribalta itself (the case page shows mail bodies in a frame).
        var framing = request.Path.StartsWithSegments("/chat/preview") ? "" : " frame-ancestors 'self';";
        return "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
            + $"connect-src 'self' {socket}; object-src 'none'; base-uri 'self'; form-action 'self';{framing}";
    }
}
