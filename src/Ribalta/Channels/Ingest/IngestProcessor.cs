using Microsoft.EntityFrameworkCore;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Conversation;
using Ribalta.Cases.Data;
using Ribalta.Cases.Domain;
using Ribalta.Cases.OpenCase;
using Ribalta.Customers.Contracts;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Localization;

namespace Ribalta.Channels.Ingest;

/// <summary>
/// Lands one inbound message: finds the person by email, phone or handle (or creates them), then continues the
/// case named or opens a new one. Runs inside the caller's transaction, so a batch commits together.
/// </summary>
internal sealed class IngestProcessor(RibaltaDbContext db, ICustomerDirectory customers, OpenCaseHandler open, ConversationHandler conversation)
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

        CaseRules.Body(v, "body", request.Body);
        v.MaxLength("subject", request.Subject, CaseConfiguration.SubjectMax).NoControlCharacters("subject", request.Subject);
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
    /// Known senders continuing their cases, staged in the unit of work without saving: every case read in one query.
    /// An entry is null when its case is missing or not the sender's (merged meanwhile, or someone else's): that
    /// message must go the long way through <see cref="ProcessAsync"/>, which looks the sender up again.
    /// </summary>
    public async Task<IReadOnlyList<StagedMessage?>> ContinueAsync(IReadOnlyList<(IngestMessageRequest Request, CustomerRef Sender)> items, CancellationToken ct)
    {
        if (items.Count == 0)
        {
            return [];
        }

        var ids = items.Select(i => i.Request.CaseId!.Value).Distinct().ToList();
        var cases = await db.Set<Case>().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        var staged = new StagedMessage?[items.Count];
        for (var n = 0; n < items.Count; n++)
        {
            var (request, sender) = items[n];
            if (!cases.TryGetValue(request.CaseId!.Value, out var @case) || @case.CustomerId != sender.Id)
            {
                continue;
            }

            var person = new Actor(ActorKind.Customer, sender.Id.ToString(), sender.DisplayName);
            var written = await conversation.StageCustomerMessageAsync(person, @case, CustomerMessage(request), ct);
            staged[n] = new StagedMessage(written.IsSuccess ? written.Value : null, written.Error, sender.Id);
            if (written.IsSuccess && sender.PreferredLanguage is null && !string.IsNullOrEmpty(request.Language) && request.LanguageIsEvidence)
            {
                await customers.LearnLanguageAsync(sender.Id, request.Language, ct);
            }
        }

        return staged;
    }

    public async Task<Result<IngestResult>> ProcessAsync(Actor caller, IngestMessageRequest request, CancellationToken ct)
    {
        var (kind, value) = Contact(request.From!);
        var channel = request.Channel ?? Channel.Api;
        var language = string.IsNullOrEmpty(request.Language) ? null : request.Language;
        var customer = await customers.FindByContactAsync(kind, value, ct);

        if (request.CaseId is { } caseId)
        {
            // Continuing a case: it must be this sender's. Nothing is created for a stranger.
            if (customer is null)
            {
                return Error.NotFound();
            }

            var person = new Actor(ActorKind.Customer, customer.Id.ToString(), customer.DisplayName);
            var written = await conversation.CustomerWritesAsync(person, caseId, CustomerMessage(request), ct);
            return written.IsSuccess ? new IngestResult(caseId, written.Value, customer.Id, NewCase: false, NewCustomer: false) : written.Error!;
        }

        var newCustomer = false;
        if (customer is null)
        {
            var created = await customers.CreateFromContactAsync(caller, request.From!.Name, kind, value, request.LanguageIsEvidence ? language : null, ct);
            if (!created.IsSuccess)
            {
                return created.Error!;
            }

            customer = created.Value;
            newCustomer = true;
        }

        var subject = string.IsNullOrWhiteSpace(request.Subject) ? SubjectFrom(request.Body!) : request.Subject.Trim();
        var opened = await open.HandleAsync(caller, new OpenCaseRequest(customer.Id, subject, request.Body, channel, Language: language) { LanguageIsEvidence = request.LanguageIsEvidence }, ct);
        if (!opened.IsSuccess)
        {
            return opened.Error!;
        }

        var messageId = await db.Set<Message>().Where(m => m.CaseId == opened.Value.Id).OrderBy(m => m.Id).Select(m => m.Id).FirstAsync(ct);
        return new IngestResult(opened.Value.Id, messageId, customer.Id, NewCase: true, newCustomer);
    }

    private static (ContactKind Kind, string Value) Contact(IngestSender from) =>
        !string.IsNullOrWhiteSpace(from.Email) ? (ContactKind.Email, from.Email.Trim())
        : !string.IsNullOrWhiteSpace(from.Phone) ? (ContactKind.Phone, from.Phone.Trim())
        : (ContactKind.Handle, from.Handle!.Trim());

    /// <summary>A guessed language is left for the conversation to read again, with the case's language as the prior.</summary>
    private static CustomerMessageRequest CustomerMessage(IngestMessageRequest request) =>
        new(request.Body, request.Channel ?? Channel.Api, string.IsNullOrEmpty(request.Language) || !request.LanguageIsEvidence ? null : request.Language);

    /// <summary>The first line of the message, cut at a word near 80 characters.</summary>
    public static string SubjectFrom(string body)
    {
        var line = body.Trim().Split('\n', 2)[0].Trim();
        if (line.Length <= 80)
        {
            return line;
        }

        var cut = line.LastIndexOf(' ', 80);
        return string.Concat(line.AsSpan(0, cut > 40 ? cut : 80), "…");
    }
}

/// <summary>A continuation staged in the unit of work; its result (the message's id) is known once saved.</summary>
internal sealed record StagedMessage(Message? Message, Error? Error, Guid CustomerId)
{
    public Result<IngestResult> ToResult() =>
        Error is { } error ? error : new IngestResult(Message!.CaseId, Message.Id, CustomerId, NewCase: false, NewCustomer: false);
}
