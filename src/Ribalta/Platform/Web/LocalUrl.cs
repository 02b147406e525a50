namespace Ribalta.Platform.Web;

/// <summary>Only same-site paths are followed after sign-in; anything else goes home (no open redirects).</summary>
public static class LocalUrl
{
    public static string OrHome(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            ? url
            : "/";
}
