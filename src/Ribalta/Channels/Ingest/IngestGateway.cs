using Ribalta.Customers.Contracts;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Text;

namespace Ribalta.Channels.Ingest;

/// <summary>
/// The way in for inbound messages from any door (the API, a batch, social mentions): what can be done before the
/// writer is done here, on the caller's thread (the language read from the words when the door does not say, the
/// sender looked up), then the messages are queued together so they commit in one batch.
/// </summary>
internal sealed class IngestGateway(IngestQueue queue, IngestProcessor processor, LanguageDetector languages)
{
    /// <summary>Queues the messages (already validated) and waits until all are committed; outcomes in the order given.</summary>
    /// <param name="idempotencyScope">Whose keys these are; by default the caller's own.</param>
    public async Task<IReadOnlyList<IngestOutcome>> SubmitAsync(Actor actor, IReadOnlyList<(IngestMessageRequest Request, string? Key)> messages, CancellationToken ct, string? idempotencyScope = null)
    {
        // The key's fingerprint is of the request as sent, so a retry matches it whatever the detector makes of the words.
        // A known sender's language is the prior for their words: a short follow-up is read in the language they write in.
        var senders = await processor.FindSendersAsync(messages.Select(m => m.Request).ToList(), ct);
        var requests = messages.Select((m, i) => string.IsNullOrEmpty(m.Request.Language)
                && languages.Read($"{m.Request.Subject}\n{m.Request.Body}", senders[i]?.PreferredLanguage) is { Language: { } read } reading
            ? m.Request with { Language = read, LanguageIsEvidence = reading.Confident }
            : m.Request).ToList();
        var prepared = messages.Select((m, i) => (Request: requests[i], Sender: senders[i], m.Key, Hash: IdempotencyRecord.Hash(m.Request)));
        return await Task.WhenAll(prepared.Select(p => OutcomeAsync(actor, p.Request, p.Sender, p.Key, p.Hash, idempotencyScope, ct)));
    }

    /// <summary>A message that could not be written is its own failure, not the whole batch's: the others did land.</summary>
    private async Task<IngestOutcome> OutcomeAsync(Actor actor, IngestMessageRequest request, CustomerRef? sender, string? key, string hash, string? scope, CancellationToken ct)
    {
        try
        {
            return await queue.SubmitAsync(actor, request, sender, key, ct, scope, hash);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new IngestOutcome(DbErrors.IsUnavailable(ex) ? Error.Unavailable() : Error.Unexpected(), Replayed: false);
        }
    }
}
