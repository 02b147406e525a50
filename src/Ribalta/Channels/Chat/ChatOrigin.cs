using Microsoft.Extensions.Primitives;

namespace Ribalta.Channels.Chat;

/// <summary>Sites as browsers name them in the <c>Origin</c> header: scheme, host and port, nothing else.</summary>
internal static class ChatOrigin
{
    /// <summary>"https://Shop.Example.com/" becomes "https://shop.example.com"; anything that is not an http(s) origin is null.</summary>
    public static string? Normalize(string? raw)
    {
        var text = raw?.Trim().TrimEnd('/');
        if (string.IsNullOrEmpty(text) || text.Length > ChatWidget.OriginMax || !Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            return null;
        }

        if ((uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.AbsolutePath != "/" || uri.Query.Length > 0
            || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0 || uri.Host.Length == 0 || text.Contains('*', StringComparison.Ordinal))
        {
            return null;
        }

        return uri.IsDefaultPort ? $"{uri.Scheme}://{uri.IdnHost}" : $"{uri.Scheme}://{uri.IdnHost}:{uri.Port}";
    }

    /// <summary>
    /// Whether a browser on the request's origin may use the widget: one of its allowed sites, or Ribalta's own pages.
    /// A request without an Origin is accepted only when the browser says it is same-origin (a fallback transport's GET).
    /// </summary>
    public static bool IsAllowed(WidgetView widget, HttpRequest request, out string? origin)
    {
        origin = Normalize(request.Headers.Origin.ToString());
        if (StringValues.IsNullOrEmpty(request.Headers.Origin))
        {
            return request.Headers["Sec-Fetch-Site"] == "same-origin";
        }

        return origin is not null && (widget.AllowedOrigins.Contains(origin) || origin == Normalize($"{request.Scheme}://{request.Host}"));
    }
}

/// <summary>
/// Stands before the chat hub and the widget's settings: the widget named in the request must exist and be on, and
/// the page asking must be on one of its sites (checked on the negotiation, the WebSocket handshake and every poll of
/// a fallback transport). Answers CORS for those sites only; cookies are never involved.
/// </summary>
internal sealed class ChatGate(RequestDelegate next, ChatWidgetCache widgets)
{
    public const string HubPath = "/chat/hub";
    public const string WidgetsPath = "/chat/widgets";

    public static bool Guards(PathString path) => path.StartsWithSegments(HubPath) || path.StartsWithSegments(WidgetsPath);

    public async Task InvokeAsync(HttpContext context)
    {
        var key = context.Request.Path.StartsWithSegments(WidgetsPath, out var rest)
            ? rest.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()
            : context.Request.Query["widget"].ToString();
        var widget = await widgets.FindAsync(key, context.RequestAborted);
        if (widget is null || !widget.Enabled)
        {
            await RefuseAsync(context, Platform.Errors.Error.NotFound("Chat.WidgetUnavailable"));
            return;
        }

        if (!ChatOrigin.IsAllowed(widget, context.Request, out var origin))
        {
            await RefuseAsync(context, Platform.Errors.Error.Forbidden("Chat.OriginRefused"));
            return;
        }

        if (origin is not null)
        {
            context.Response.Headers.AccessControlAllowOrigin = origin;
            context.Response.Headers.Vary = "Origin";
        }

        if (HttpMethods.IsOptions(context.Request.Method) && context.Request.Headers.AccessControlRequestMethod.Count > 0)
        {
            context.Response.Headers.AccessControlAllowMethods = "GET, POST";
            context.Response.Headers.AccessControlAllowHeaders = "Content-Type, X-Requested-With, X-SignalR-User-Agent";
            context.Response.Headers.AccessControlMaxAge = "600";
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        context.Items[typeof(WidgetView)] = widget;
        await next(context);
    }

    private static Task RefuseAsync(HttpContext context, Platform.Errors.Error error)
    {
        var localizer = context.RequestServices.GetRequiredService<Microsoft.Extensions.Localization.IStringLocalizer<Platform.Localization.Strings>>();
        return Platform.Errors.ErrorResults.ToProblem(error, localizer).ExecuteAsync(context);
    }
}
