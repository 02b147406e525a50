using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Ribalta.Cases.Contracts;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Localization;

namespace Ribalta.Channels.Ingest;

/// <summary><c>POST /api/v1/messages</c>: a customer's message from any channel, answered once it is committed.</summary>
internal static class IngestEndpoints
{
    public const string IdempotencyHeader = "Idempotency-Key";

    /// <summary>The most messages one batch request may carry.</summary>
    public const int MaxBatch = 100;

    public static IEndpointRouteBuilder MapIngest(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/messages", IngestAsync).RequireAuthorization(Policies.CasesWork).WithTags("Messages")
            .WithSummary("Ingest a customer's message")
            .WithDescription("Finds the customer by email, phone or handle (or creates them), continues caseId or opens a case. Send an Idempotency-Key header to make retries safe: a repeat returns the first result with Idempotent-Replayed: true.");
        app.MapPost("/api/v1/messages/batch", IngestBatchAsync).RequireAuthorization(Policies.CasesWork).WithTags("Messages")
            .WithSummary("Ingest up to 100 customers' messages in one request")
            .WithDescription("Each message as in POST /api/v1/messages, with its own idempotencyKey. A malformed message refuses the whole request (400, nothing written); otherwise each message gets its own status (201, 404, 409) in the order sent, once all are committed.");
        return app;
    }

    private static async Task<Results<Created<IngestResult>, ValidationProblem, ProblemHttpResult>> IngestAsync(
        IngestMessageRequest request,
        [FromHeader(Name = IdempotencyHeader)] string? idempotencyKey,
        IngestGateway gateway,
        HttpContext http,
        IStringLocalizer<Strings> localizer,
        CancellationToken ct)
    {
        var key = string.IsNullOrWhiteSpace(idempotencyKey) ? null : idempotencyKey.Trim();
        if (Validate(new ValidationBuilder(), "", request, IdempotencyHeader, key).ToError() is { } invalid)
        {
            return invalid.ToValidationProblem(localizer);
        }

        var (result, replayed) = (await gateway.SubmitAsync(Actor.From(http.User), [(request, key)], ct))[0];
        if (replayed && result.IsSuccess)
        {
            http.Response.Headers["Idempotent-Replayed"] = "true";
        }

        return result.ToHttp(r => TypedResults.Created($"/api/v1/cases/{r.CaseId}", r), localizer);
    }

    private static async Task<Results<Ok<IngestBatchResponse>, ValidationProblem>> IngestBatchAsync(
        IngestBatchRequest request,
        IngestGateway gateway,
        HttpContext http,
        IStringLocalizer<Strings> localizer,
        CancellationToken ct)
    {
        var v = new ValidationBuilder();
        var messages = request.Messages ?? [];
        if (messages.Count is 0 or > MaxBatch)
        {
            v.Add("messages", "Validation.BatchSize", MaxBatch);
        }

        for (var i = 0; i < messages.Count && i < MaxBatch; i++)
        {
            var item = messages[i] ?? new IngestBatchItem(null, null);
            Validate(v, $"messages[{i}].", item.ToRequest(), "idempotencyKey", Key(item.IdempotencyKey));
        }

        if (v.ToError() is { } invalid)
        {
            return invalid.ToValidationProblem(localizer);
        }

        var outcomes = await gateway.SubmitAsync(Actor.From(http.User), messages.Select(m => (m.ToRequest(), Key(m.IdempotencyKey))).ToList(), ct);
        if (outcomes.Any(o => o.Result.Error?.Kind == ErrorKind.Unavailable))
        {
            http.Response.Headers.RetryAfter = RetryAfter.Seconds;
        }

        return TypedResults.Ok(new IngestBatchResponse(outcomes.Select(o => o.Result.Error is { } error
            ? new IngestBatchOutcome(error.StatusCode(), null, false, error.MessageKey, error.Describe(localizer))
            : new IngestBatchOutcome(StatusCodes.Status201Created, o.Result.Value, o.Replayed, null, null)).ToList()));
    }

    private static string? Key(string? key) => string.IsNullOrWhiteSpace(key) ? null : key.Trim();

    public static ValidationBuilder Validate(ValidationBuilder v, string prefix, IngestMessageRequest request, string keyField, string? key)
    {
        v.MaxLength(prefix + keyField, key, IdempotencyRecordConfiguration.KeyMax).NoControlCharacters(prefix + keyField, key);
        foreach (var field in IngestProcessor.Validate(request)?.Fields ?? [])
        {
            v.Add(prefix + field.Field, field.MessageKey, field.Args);
        }

        return v;
    }
}

/// <summary>One message of a batch: the fields of <see cref="IngestMessageRequest"/> and its own idempotency key.</summary>
public sealed record IngestBatchItem(
    IngestSender? From, string? Body, string? Subject = null, Channel? Channel = null, string? Language = null, long? CaseId = null, string? IdempotencyKey = null)
{
    public IngestMessageRequest ToRequest() => new(From, Body, Subject, Channel, Language, CaseId);
}

public sealed record IngestBatchRequest(IReadOnlyList<IngestBatchItem>? Messages);

/// <summary>
/// A message's answer within a batch, in the order sent: <c>status</c> is the HTTP status it would have had alone
/// (201 with <c>result</c>, or 404/409 with <c>code</c> and <c>title</c>).
/// </summary>
public sealed record IngestBatchOutcome(int Status, IngestResult? Result, bool Replayed, string? Code, string? Title);

public sealed record IngestBatchResponse(IReadOnlyList<IngestBatchOutcome> Results);
