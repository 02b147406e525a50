using Microsoft.EntityFrameworkCore;
using Ribalta.Cases.Contracts;
using Ribalta.Channels.Contracts;
using Ribalta.Customers.Contracts;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;

namespace Ribalta.Channels.Email;

/// <summary>The customer's words and files, landed on a case.</summary>
internal sealed partial class EmailIntake
{
    /// <summary>The customer's words: on the case the mail answers, or on a new case; their files with them.</summary>
    private async Task<Result<long>> LandWordsAsync(Mailbox mailbox, Actor mailer, ParsedEmail email, EmailRecord record, CancellationToken ct)
    {
        var words = email.Text.Length > 0 ? email.Text : email.FullText;
        var body = words.Length > 0 ? words : string.Join(", ", email.Attachments.Select(a => a.FileName).DefaultIfEmpty("—"));

        var language = languages.Detect($"{email.Subject}\n{words}");
        if (await customers.FindByContactAsync(ContactKind.Email, email.FromAddress!, ct) is null && await ChatVisitorAsync(email, ct) is { } visitor)
        {
            // They answered the mail we sent to the address they left in a chat: now we know the address is theirs.
            await customers.AddContactAsync(mailer, visitor, ContactKind.Email, email.FromAddress!, ct);
        }

        // Opened by the mailbox (the door), so a new case records the channel and starts in the mailbox's department (else
        // the organisation's, see CaseRouting); the message is the customer's.
        var subject = ValidationSafe(email.Subject);
        var name = email.FromName is { Length: > 0 } n ? Truncate(ValidationSafe(n), 200) : null;
        var landed = await landing.LandAsync(mailer, new InboundMessage(InboundSender.ByContact(ContactKind.Email, email.FromAddress!, name), body, Channel.Email)
        {
            Subject = subject.Length == 0 ? null : subject,
            Language = language,
            MayContinue = await ThreadAsync(email, ct),
            DepartmentId = mailbox.DepartmentId,
        }, ct);
        if (!landed.IsSuccess)
        {
            return landed.Error!;
        }

        var (caseId, messageId) = (landed.Value.CaseId, landed.Value.MessageId);
        var person = new Actor(ActorKind.Customer, landed.Value.CustomerId.ToString(), name ?? email.FromAddress!);
        record.CaseId = caseId;
        record.MessageId = messageId;
        record.Disposition = EmailDisposition.Landed;
        await KeepFilesAsync(person, mailer, email, record, caseId, messageId, ct);
        await db.Set<Mailbox>().Where(m => m.Id == mailbox.Id).ExecuteUpdateAsync(s => s.SetProperty(m => m.ImportedCount, m => m.ImportedCount + 1), ct);
        return messageId;
    }

    /// <summary>
    /// Files of accepted types within the size limit join the message; inline images are kept so the HTML can show
    /// them. What is refused is listed for staff; it stays in the original email, which is kept whole.
    /// </summary>
    private async Task KeepFilesAsync(Actor person, Actor mailer, ParsedEmail email, EmailRecord record, long caseId, long messageId, CancellationToken ct)
    {
        var refused = new List<string>();
        var kept = 0;
        foreach (var file in email.InlineImages.Concat(email.Attachments))
        {
            var isInline = file.ContentId is not null && email.InlineImages.Contains(file);
            var id = kept < options.Value.MaxAttachments ? await files.KeepAsync(person, caseId, messageId, file.FileName, file.Content, ct) : null;
            if (id is null)
            {
                refused.Add(file.FileName);
                continue;
            }

            kept++;
            if (isInline && file.ContentId!.Length <= 200)
            {
                record.InlineImages[file.ContentId!] = id.Value;
            }
        }

        await db.SaveChangesAsync(ct);
        if (refused.Count > 0)
        {
            await conversation.SystemEntryAsync(mailer, caseId, new SystemEntry("Email.FilesNotKept", [string.Join(", ", refused)]), ct);
        }
    }
}
