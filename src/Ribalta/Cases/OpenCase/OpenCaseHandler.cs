using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Contracts.Events;
using Ribalta.Cases.Data;
using Ribalta.Cases.Domain;
using Ribalta.Cases.Search;
using Ribalta.Cases.ViewCase;
using Ribalta.Customers.Contracts;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Localization;
using Ribalta.Platform.Text;

namespace Ribalta.Cases.OpenCase;

/// <summary>What opens a case: who it is for, what it is about, and the customer's first words.</summary>
public sealed record OpenCaseRequest(Guid CustomerId, string? Subject, string? Body, Channel? Channel = null, CasePriority? Priority = null, string? Language = null, Guid? DepartmentId = null)
{
    /// <summary>False when <see cref="Language"/> was guessed from a few words: the case is filed under it, the customer does not learn it.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool LanguageIsEvidence { get; init; } = true;
}

/// <summary>
/// Opens a case with its first message. A customer opens their own (from the portal); staff open one for a
/// customer who called or wrote elsewhere, recording the customer's words as the first message.
/// </summary>
internal sealed class OpenCaseHandler(
    RibaltaDbContext db,
    ICustomerDirectory customers,
    CaseReader reader,
    Targets.CaseTargets targets,
    Routing.CaseRouting routing,
    Attachments.AttachmentService attachments,
    LanguageDetector languages,
    TimeProvider clock)
{
    /// <summary>Opens the case; <paramref name="files"/> (from the portal form) go with the first message, all in one transaction.</summary>
    public async Task<Result<CaseDetails>> HandleAsync(Actor actor, OpenCaseRequest request, CancellationToken ct, IReadOnlyList<Attachments.IncomingFile>? files = null)
    {
        var v = new ValidationBuilder().Required("subject", request.Subject, CaseConfiguration.SubjectMax).NoControlCharacters("subject", request.Subject);
        CaseLimits.Body(v, "body", request.Body);
        var checkedFiles = CaseRules.Files(v, files);
        if (request.Language is { Length: > 0 } language && !SupportedCultures.IsSupported(language))
        {
            v.Add("language", "Validation.LanguageUnsupported", language);
        }

        if (request.Channel is { } channel && !Enum.IsDefined(channel))
        {
            v.Add("channel", "Validation.Invalid");
        }

        if (v.ToError() is { } invalid)
        {
            return invalid;
        }

        if (actor.Kind == ActorKind.Customer && actor.Id != request.CustomerId.ToString())
        {
            return Error.NotFound();
        }

        var customer = await customers.FindAsync(request.CustomerId, ct);
        if (customer is null)
        {
            return Error.Validation("customerId", "Validation.CustomerUnknown");
        }

        if (customer.MergedIntoId is not null)
        {
            return Error.Conflict("Error.CustomerMerged");
        }

        if (actor.Kind != ActorKind.Customer && request.DepartmentId is { } department
            && !await db.Set<Platform.Identity.Department>().AnyAsync(d => d.Id == department, ct))
        {
            return Error.Validation("departmentId", "Validation.DepartmentUnknown");
        }

        var now = clock.GetUtcNow();
        var fromCustomer = actor.Kind == ActorKind.Customer;
        var given = !string.IsNullOrEmpty(request.Language);
        var reading = given ? new LanguageReading(request.Language, request.LanguageIsEvidence)
            : languages.Read($"{request.Subject}\n{request.Body}", actor.Kind == ActorKind.Staff ? null : customer.PreferredLanguage);
        var @case = new Case
        {
            CustomerId = customer.Id,
            Subject = request.Subject!.Trim(),
            Channel = fromCustomer ? Contracts.Channel.Portal : request.Channel ?? Contracts.Channel.Phone,
            Priority = fromCustomer ? CasePriority.Normal : request.Priority ?? CasePriority.Normal,
            // A customer never chooses the department; the door's own (mailbox, widget, staff's choice) else the default.
            DepartmentId = await routing.DepartmentForNewCaseAsync(fromCustomer ? null : request.DepartmentId, ct),
            // Said by the form or the door; else, when staff type it in, the customer's known language first, then the
            // words; when the customer writes, the words first (they may write in another language than their usual).
            Language = given ? request.Language
                : actor.Kind == ActorKind.Staff ? customer.PreferredLanguage ?? reading.Language
                : reading.Language ?? customer.PreferredLanguage,
            CreatedAt = now,
            UpdatedAt = now,
        };

        await targets.RetargetAsync(@case, now, ct);
        // Its own transaction, unless it runs inside one (a batch of ingested messages).
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        db.Add(@case);
        // Only clear evidence becomes the customer's language: a wrong guess from a few words would stay for good.
        if (customer.PreferredLanguage is null && reading.Confident && @case.Language is { } learned)
        {
            await customers.LearnLanguageAsync(customer.Id, learned, ct);
        }

        await db.SaveChangesAsync(ct);

        // The first message is the customer's words, whoever typed them in.
        var first = new Message
        {
            CaseId = @case.Id,
            Kind = MessageKind.Customer,
            Channel = @case.Channel,
            Language = @case.Language,
            AuthorKind = ActorKind.Customer,
            AuthorId = customer.Id.ToString(),
            AuthorName = customer.DisplayName,
            Body = request.Body!.Trim(),
            CreatedAt = now,
        };
        db.Add(first);
        foreach (var file in checkedFiles)
        {
            var attachment = await attachments.StageAsync(actor, @case.Id, file, ct);
            attachment.Message = first;
            db.Add(attachment);
        }

        db.Add(SearchEntry.For(first, @case.Subject));
        db.Append(clock, actor, new CaseOpened(@case.Subject, @case.Channel, @case.Priority, @case.DepartmentId), "case", @case.Id.ToString(CultureInfo.InvariantCulture), customer.Id);
        await db.SaveChangesAsync(ct);
        if (transaction is not null)
        {
            await transaction.CommitAsync(ct);
        }

        return (await reader.FindAsync(@case.Id, CaseViewer.Staff, ct))!;
    }
}
