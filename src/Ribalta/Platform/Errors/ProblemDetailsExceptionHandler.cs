using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Ribalta.Platform.Data;
using Ribalta.Platform.Localization;

namespace Ribalta.Platform.Errors;

/// <summary>
/// The one place unexpected failures become problem details. Malformed requests are the caller's fault (4xx);
/// a database that cannot be reached for a moment is a 503 with Retry-After (the request may simply be sent again);
/// anything else is logged and answered with a 500 that leaks nothing.
/// </summary>
internal sealed partial class ProblemDetailsExceptionHandler(
    IProblemDetailsService problemDetails,
    IStringLocalizer<Strings> localizer,
    ILogger<ProblemDetailsExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, localizer["Error.BadRequest"].Value, bad.Message),
            DbUpdateConcurrencyException => (StatusCodes.Status409Conflict, localizer["Error.StaleVersion"].Value, null),
            OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested => (499, "Client closed request", null),
            _ when DbErrors.IsUnavailable(exception) => (StatusCodes.Status503ServiceUnavailable, localizer["Error.Unavailable"].Value, null),
            _ => (StatusCodes.Status500InternalServerError, localizer["Error.Unexpected"].Value, null),
        };

        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            // One line, no stack trace: an outage fails every request in flight, and the cause is already known.
            LogUnavailable(logger, httpContext.Request.Method, httpContext.Request.Path, exception.GetBaseException().Message);
        }
        else if (status >= 500)
        {
            LogUnhandled(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
        }

        httpContext.Response.StatusCode = status;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database unavailable for {Method} {Path}: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string method, string path, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception for {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);
}
