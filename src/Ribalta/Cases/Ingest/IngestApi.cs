using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Localization;
using Ribalta.Platform.Text;

namespace Ribalta.Cases.Ingest;

/// <summary><c>POST /api/v1/messages</c>: a customer's message from any channel, answered once it is committed.</summary>
internal static class IngestApi
{
    public const string IdempotencyHeader = "Idempotency-Key";

    public static IEndpointRouteBuilder MapIngestApi(IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/messages", IngestAsync).RequireAuthorization(Policies.CasesWork).WithTags("Messages")
            .WithSummary("Ingest a customer's message")
            .WithDescription("Finds the customer by email, phone or handle (or creates them), continues caseId or opens a case. Send an Idempotency-Key header to make retries safe: a repeat returns the first result with Idempotent-Replayed: true.");
        return app;
    }

    private static async Task<Results<Created<IngestResult>, ValidationProblem, ProblemHttpResult>> IngestAsync(
        IngestMessageRequest request,
        [FromHeader(Name = IdempotencyHeader)] string? idempotencyKey,
        IngestQueue queue,
        IngestProcessor processor,
        LanguageDetector languages,
        HttpContext http,
        IStringLocalizer<Strings> localizer,
        CancellationToken ct)
    {
        var key = string.IsNullOrWhiteSpace(idempotencyKey) ? null : idempotencyKey.Trim();
        var v = new ValidationBuilder().MaxLength(IdempotencyHeader, key, IdempotencyRecordConfiguration.KeyMax).NoControlCharacters(IdempotencyHeader, key);
        var invalid = v.ToError() ?? IngestProcessor.Validate(request);
        if (invalid is not null)
        {
            return ToHttp(invalid, localizer);
        }

        // The language, when the caller does not say, is read from the words here, on the request's thread, not in the writer.
        if (string.IsNullOrEmpty(request.Language) && languages.Detect($"{request.Subject}\n{request.Body}") is { } detected)
        {
            request = request with { Language = detected };
        }

        // Repeats of a key are answered in the writer, in one lookup for the whole batch, from the first result.
        var actor = Actor.From(http.User);
        var (result, replayed) = await queue.SubmitAsync(actor, request, await processor.FindSenderAsync(request, ct), key, ct);
        if (!result.IsSuccess)
        {
            return ToHttp(result.Error!, localizer);
        }

        if (replayed)
        {
            http.Response.Headers["Idempotent-Replayed"] = "true";
        }

        return TypedResults.Created($"/api/v1/cases/{result.Value.CaseId}", result.Value);
    }

    private static Results<Created<IngestResult>, ValidationProblem, ProblemHttpResult> ToHttp(Error error, IStringLocalizer<Strings> localizer) =>
        error.Kind == ErrorKind.Validation ? error.ToValidationProblem(localizer) : error.ToProblem(localizer);
}
