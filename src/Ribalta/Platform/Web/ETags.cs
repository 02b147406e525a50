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

    /// <summary>
    /// A write guarded by <c>If-Match</c>, so that two editors never silently overwrite each other: without the header
    /// the answer is 428 and nothing is written; otherwise <paramref name="write"/> gets the version the writer read, and
    /// a successful write is answered with the version it made as the ETag, for the writer's next <c>If-Match</c>.
    /// </summary>
    public static async Task<Results<Ok<T>, ValidationProblem, ProblemHttpResult>> WriteIfMatchAsync<T>(
        string? ifMatch, HttpResponse response, IStringLocalizer<Strings> localizer, Func<int, Task<Result<T>>> write, Func<T, int> version)
    {
        if (!TryParse(ifMatch, out var read))
        {
            return TypedResults.Problem(title: localizer["Error.IfMatchRequired"].Value, statusCode: StatusCodes.Status428PreconditionRequired);
        }

        return (await write(read)).WithETag(response, version).ToHttp(TypedResults.Ok, localizer);
    }

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
