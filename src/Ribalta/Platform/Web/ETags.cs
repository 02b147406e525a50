namespace Ribalta.Platform.Web;

/// <summary>Entity tags carry a record's version; writers send back the one they read in <c>If-Match</c>.</summary>
public static class ETags
{
    public static string Format(int version) => $"\"{version}\"";

    public static bool TryParse(string? header, out int version)
    {
        version = 0;
        var value = header?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        if (value.StartsWith("W/", StringComparison.Ordinal))
        {
            value = value[2..];
        }

        return int.TryParse(value.Trim('"'), out version);
    }
}
