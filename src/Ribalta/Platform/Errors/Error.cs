namespace Ribalta.Platform.Errors;

/// <summary>How an expected failure should be reported: it decides the HTTP status and the UI treatment.</summary>
public enum ErrorKind
{
    Validation,
    NotFound,
    Conflict,
    PreconditionFailed,
    Forbidden,
    Unexpected,

    /// <summary>A server we depend on (the database) could not be reached: try again shortly.</summary>
    Unavailable,
}

/// <summary>A problem with one input field; the message is a localization key with its arguments.</summary>
public sealed record FieldError(string Field, string MessageKey, params object[] Args);

/// <summary>An expected business failure. Carries localization keys, never user text, so every edge can speak the user's language.</summary>
public sealed record Error(ErrorKind Kind, string MessageKey, object[] Args, IReadOnlyList<FieldError> Fields)
{
    public static Error Validation(IReadOnlyList<FieldError> fields) => new(ErrorKind.Validation, "Error.Validation", [], fields);

    public static Error Validation(string field, string messageKey, params object[] args) =>
        new(ErrorKind.Validation, "Error.Validation", [], [new FieldError(field, messageKey, args)]);

    public static Error NotFound(string messageKey = "Error.NotFound", params object[] args) => new(ErrorKind.NotFound, messageKey, args, []);

    public static Error Conflict(string messageKey, params object[] args) => new(ErrorKind.Conflict, messageKey, args, []);

    public static Error StaleVersion() => new(ErrorKind.PreconditionFailed, "Error.StaleVersion", [], []);

    public static Error Forbidden(string messageKey = "Error.Forbidden") => new(ErrorKind.Forbidden, messageKey, [], []);

    /// <summary>Something failed on our side (logged); for answers that carry several results, each with its own status.</summary>
    public static Error Unexpected() => new(ErrorKind.Unexpected, "Error.Unexpected", [], []);

    /// <summary>The database could not be reached; nothing was written and the same request may be sent again.</summary>
    public static Error Unavailable() => new(ErrorKind.Unavailable, "Error.Unavailable", [], []);
}

/// <summary>Either a value or an <see cref="Error"/>; handlers return it for the failures a caller is expected to meet.</summary>
public readonly struct Result<T>
{
    private readonly T? _value;

    private Result(T? value, Error? error)
    {
        _value = value;
        Error = error;
    }

    public Error? Error { get; }

    public bool IsSuccess => Error is null;

    public T Value => Error is null ? _value! : throw new InvalidOperationException($"Result holds an error: {Error.MessageKey}");

    public static implicit operator Result<T>(T value) => new(value, null);

    /// <summary>For values the implicit conversion cannot take (interfaces).</summary>
    public static Result<T> Success(T value) => new(value, null);

    public static implicit operator Result<T>(Error error) => new(default, error);
}
