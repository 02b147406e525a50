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

namespace Ribalta.Cases.Ingest;

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

    public async Task<Result<IngestResult>> ProcessAsync(Actor caller, IngestMessageRequest request, CancellationToken ct)
    {
        var from = request.From!;
        var (kind, value) = !string.IsNullOrWhiteSpace(from.Email) ? (ContactKind.Email, from.Email.Trim())
            : !string.IsNullOrWhiteSpace(from.Phone) ? (ContactKind.Phone, from.Phone.Trim())
            : (ContactKind.Handle, from.Handle!.Trim());
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
            var written = await conversation.CustomerWritesAsync(person, caseId, new CustomerMessageRequest(request.Body, channel, language), ct);
            return written.IsSuccess ? new IngestResult(caseId, written.Value, customer.Id, NewCase: false, NewCustomer: false) : written.Error!;
        }

        var newCustomer = false;
        if (customer is null)
        {
            var created = await customers.CreateFromContactAsync(caller, from.Name, kind, value, language, ct);
            if (!created.IsSuccess)
            {
                return created.Error!;
            }

            customer = created.Value;
            newCustomer = true;
        }

        var subject = string.IsNullOrWhiteSpace(request.Subject) ? SubjectFrom(request.Body!) : request.Subject.Trim();
        var opened = await open.HandleAsync(caller, new OpenCaseRequest(customer.Id, subject, request.Body, channel, Language: language), ct);
        if (!opened.IsSuccess)
        {
            return opened.Error!;
        }

        var messageId = await db.Set<Message>().Where(m => m.CaseId == opened.Value.Id).OrderBy(m => m.Id).Select(m => m.Id).FirstAsync(ct);
        return new IngestResult(opened.Value.Id, messageId, customer.Id, NewCase: true, newCustomer);
    }

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
