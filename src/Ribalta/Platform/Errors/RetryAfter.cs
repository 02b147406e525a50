namespace Ribalta.Platform.Errors;

/// <summary>
/// Every 503 tells the caller when to try again (RFC 9110 §10.2.3), whoever wrote it: the exception handler during a
/// database outage, a handler's <see cref="ErrorKind.Unavailable"/> result, or the health check.
/// </summary>
public static class RetryAfter
{
    /// <summary>A database restart takes a few seconds; clients that honour this come back once it is over.</summary>
    public const string Seconds = "5";

    public static IApplicationBuilder UseRetryAfterOnUnavailable(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            if (context.Response.StatusCode == StatusCodes.Status503ServiceUnavailable && !context.Response.Headers.ContainsKey("Retry-After"))
            {
                context.Response.Headers.RetryAfter = Seconds;
            }

            return Task.CompletedTask;
        });
        return next(context);
    });
}
