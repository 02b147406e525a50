using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Localization;

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

    /// <summary>The answer to a write that does not say which version it read (428), so that two editors never silently overwrite each other.</summary>
    public static ProblemHttpResult IfMatchRequired(IStringLocalizer<Strings> localizer) =>
        TypedResults.Problem(title: localizer["Error.IfMatchRequired"].Value, statusCode: StatusCodes.Status428PreconditionRequired);

    /// <summary>Tells the writer the version it made, for its next <c>If-Match</c>; a failed write has none to tell.</summary>
    public static Result<T> WithETag<T>(this Result<T> result, HttpResponse response, Func<T, int> version)
    {
        if (result.IsSuccess)
        {
            response.Headers.ETag = Format(version(result.Value));
        }

        return result;
    }
}
