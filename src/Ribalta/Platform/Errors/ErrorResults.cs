using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Ribalta.Platform.Localization;

namespace Ribalta.Platform.Errors;

/// <summary>Turns an expected <see cref="Error"/> into RFC 9457 problem details in the caller's language.</summary>
public static class ErrorResults
{
    /// <summary>Success as <paramref name="ok"/>; validation failures as a ValidationProblem with field names; the rest as problem details.</summary>
    public static Results<TOk, ValidationProblem, ProblemHttpResult> ToHttp<T, TOk>(this Result<T> result, Func<T, TOk> ok, IStringLocalizer<Strings> localizer)
        where TOk : IResult
    {
        if (result.IsSuccess)
        {
            return ok(result.Value);
        }

        var error = result.Error!;
        return error.Kind == ErrorKind.Validation ? error.ToValidationProblem(localizer) : error.ToProblem(localizer);
    }

    public static ValidationProblem ToValidationProblem(this Error error, IStringLocalizer<Strings> localizer) =>
        TypedResults.ValidationProblem(
            error.Fields.GroupBy(f => f.Field).ToDictionary(g => g.Key, g => g.Select(f => localizer[f.MessageKey, f.Args].Value).ToArray()),
            title: localizer[error.MessageKey, error.Args].Value,
            extensions: new Dictionary<string, object?> { ["code"] = error.MessageKey });

    public static ProblemHttpResult ToProblem(this Error error, IStringLocalizer<Strings> localizer)
    {
        return TypedResults.Problem(
            title: localizer[error.MessageKey, error.Args].Value,
            detail: error.Fields.Count > 0 ? error.Describe(localizer) : null,
            statusCode: error.StatusCode(),
            extensions: new Dictionary<string, object?> { ["code"] = error.MessageKey });
    }

    /// <summary>The HTTP status an error is answered with.</summary>
    public static int StatusCode(this Error error) => error.Kind switch
    {
        ErrorKind.Validation => StatusCodes.Status400BadRequest,
        ErrorKind.NotFound => StatusCodes.Status404NotFound,
        ErrorKind.Conflict => StatusCodes.Status409Conflict,
        ErrorKind.PreconditionFailed => StatusCodes.Status412PreconditionFailed,
        ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        ErrorKind.Unexpected => StatusCodes.Status500InternalServerError,
        ErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status400BadRequest,
    };

    /// <summary>The user-facing sentence for an error, for pages.</summary>
    public static string Describe(this Error error, IStringLocalizer<Strings> localizer) =>
        error.Fields.Count == 0
            ? localizer[error.MessageKey, error.Args].Value
            : string.Join(" ", error.Fields.Select(f => localizer[f.MessageKey, f.Args].Value));

    /// <summary>Field name → localized messages, for forms.</summary>
    public static IReadOnlyDictionary<string, string> FieldMessages(this Error error, IStringLocalizer<Strings> localizer) =>
        error.Fields.GroupBy(f => f.Field).ToDictionary(g => g.Key, g => string.Join(" ", g.Select(f => localizer[f.MessageKey, f.Args].Value)));
}
