using Ribalta.Cases.Contracts;
using Ribalta.Customers.Contracts;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Localization;

namespace Ribalta.Channels.Ingest;

/// <summary>
/// The API's door: checks a message, finds who sent it, and hands it to the one landing every door uses (the person
/// found by email, phone or handle, or created; the case named continued, or a new one). Runs inside the caller's
/// transaction, so a batch commits together.
/// </summary>
internal sealed class IngestProcessor(ICustomerDirectory customers, IInboundLanding landing)
{
    /// <summary>Everything that can be said about a request without the database; checked before it is queued.</summary>
    public static Error? Validate(IngestMessageRequest request)
    {
        var v = new ValidationBuilder();
        var from = request.From;
        if (from is null || (string.IsNullOrWhiteSpace(from.Email) && string.IsNullOrWhiteSpace(from.Phone) && string.IsNullOrWhiteSpace(from.Handle)))
        {
            v.Add("from", "Validation.SenderRequired");
        }
        else
        {
            if (!string.IsNullOrWhiteSpace(from.Email))
            {
                v.Email("from.email", from.Email.Trim());
            }

            v.MaxLength("from.phone", from.Phone, 50).MaxLength("from.handle", from.Handle, 100).MaxLength("from.name", from.Name, 200)
                .NoControlCharacters("from.name", from.Name);
        }

        CaseLimits.Body(v, "body", request.Body);
        v.MaxLength("subject", request.Subject, CaseLimits.SubjectMax).NoControlCharacters("subject", request.Subject);
        if (request.Channel is { } channel && !Enum.IsDefined(channel))
        {
            v.Add("channel", "Validation.Invalid");
        }

        if (request.Language is { Length: > 0 } language && !SupportedCultures.IsSupported(language))
        {
            v.Add("language", "Validation.LanguageUnsupported", language);
        }

        return v.ToError();
    }

    /// <summary>Who the senders are now, if anyone (in one query): read before queueing, so the writer does not have to.</summary>
    public async Task<IReadOnlyList<CustomerRef?>> FindSendersAsync(IReadOnlyList<IngestMessageRequest> requests, CancellationToken ct)
    {
        var contacts = requests.Select(r => Contact(r.From!)).ToList();
        var found = await customers.FindByContactsAsync(contacts, ct);
        return contacts.Select(c => found.GetValueOrDefault(c)).ToList();
    }

    /// <summary>
    /// Known senders continuing their cases, written and saved together. An entry is null when its case is missing or
    /// not the sender's (merged meanwhile, or someone else's): that message must go the long way through
    /// <see cref="ProcessAsync"/>, which looks the sender up again.
    /// </summary>
    public async Task<IReadOnlyList<Result<IngestResult>?>> ContinueAsync(IReadOnlyList<(IngestMessageRequest Request, CustomerRef Sender)> items, CancellationToken ct) =>
        (await landing.ContinueManyAsync(items.Select(i => (Inbound(i.Request), i.Sender)).ToList(), ct))
            .Select(landed => landed is { } result ? Answer(result) : (Result<IngestResult>?)null).ToList();

    public async Task<Result<IngestResult>> ProcessAsync(Actor caller, IngestMessageRequest request, CancellationToken ct) =>
        Answer(await landing.LandAsync(caller, Inbound(request), ct));

    private static InboundMessage Inbound(IngestMessageRequest request)
    {
        var (kind, value) = Contact(request.From!);
        return new InboundMessage(InboundSender.ByContact(kind, value, request.From!.Name), request.Body!, request.Channel ?? Channel.Api)
        {
            Subject = request.Subject,
            Language = request.Language,
            LanguageIsEvidence = request.LanguageIsEvidence,
            CaseId = request.CaseId,
        };
    }

    private static Result<IngestResult> Answer(Result<InboundLanded> landed) =>
        landed.IsSuccess ? new IngestResult(landed.Value.CaseId, landed.Value.MessageId, landed.Value.CustomerId, landed.Value.NewCase, landed.Value.NewCustomer) : landed.Error!;

    private static (ContactKind Kind, string Value) Contact(IngestSender from) =>
        !string.IsNullOrWhiteSpace(from.Email) ? (ContactKind.Email, from.Email.Trim())
        : !string.IsNullOrWhiteSpace(from.Phone) ? (ContactKind.Phone, from.Phone.Trim())
        : (ContactKind.Handle, from.Handle!.Trim());
}
