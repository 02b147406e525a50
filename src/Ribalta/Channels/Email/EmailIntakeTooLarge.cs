using System.Globalization;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using Ribalta.Cases.Contracts;
using Ribalta.Channels.Contracts;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;

namespace Ribalta.Channels.Email;

/// <summary>Mail over the size limit, landed from its headers alone.</summary>
internal sealed partial class EmailIntake
{
    /// <summary>Mail over the size limit: only its headers are read; the customer's case says it is waiting on the server.</summary>
    public async Task<IntakeOutcome> LandTooLargeAsync(Mailbox mailbox, HeaderList headers, long size, CancellationToken ct)
    {
        var message = new MimeMessage(headers);
        var from = message.From.Mailboxes.FirstOrDefault();
        var subject = EmailParser.Line(message.Subject);
        var key = EmailRecord.KeyFor(message.MessageId, () => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{from}\n{message.Date:O}\n{subject}\n{size}"))));
        return await OnceAsync(key, null, () => LandTooLargeOnceAsync(mailbox, message, key, size, ct), null, ct);
    }

    private async Task<IntakeOutcome> LandTooLargeOnceAsync(Mailbox mailbox, MimeMessage message, string key, long size, CancellationToken ct)
    {
        var from = message.From.Mailboxes.FirstOrDefault();
        var subject = EmailParser.Line(message.Subject);

        var address = EmailParser.Line(from?.Address).ToLowerInvariant() is { Length: > 0 } a ? a : null;
        var messageId = EmailParser.Line(message.MessageId);
        var record = new EmailRecord
        {
            Key = key,
            Direction = EmailDirection.Inbound,
            Disposition = EmailDisposition.TooLarge,
            MailboxId = mailbox.Id,
            HeaderMessageId = messageId is { Length: > 0 and <= EmailRecord.KeyMax } ? messageId : null,
            Address = Truncate(address ?? "", 254),
            Subject = Truncate(subject, 300),
            Size = size,
            CreatedAt = clock.GetUtcNow(),
        };

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (address is not null && ValidationBuilder.IsEmail(address))
        {
            var email = new ParsedEmail(address, EmailParser.Line(from!.Name), subject, messageId, EmailParser.Line(message.InReplyTo), message.References.Select(EmailParser.Line).ToList(), null, AutomaticKind.None, null,
                subject.Length > 0 ? subject : "—", "", null, [], [], null, key);
            var mailer = new Actor(ActorKind.System, "mailbox:" + mailbox.Id, mailbox.Name);
            var landed = await LandWordsAsync(mailbox, mailer, email, record, ct);
            if (!landed.IsSuccess)
            {
                throw new LandingConflict($"The email {key} could not land: {landed.Error!.MessageKey}");
            }

            record.Disposition = EmailDisposition.TooLarge;
            if (landed.IsSuccess && record.CaseId is { } caseId)
            {
                var megabytes = (size / 1024d / 1024d).ToString("0.#", CultureInfo.InvariantCulture);
                var limit = (options.Value.MaxMessageBytes / 1024 / 1024).ToString(CultureInfo.InvariantCulture);
                await conversation.SystemEntryAsync(mailer, caseId, new SystemEntry("Email.TooLarge", [megabytes, limit, mailbox.Address]), ct);
            }
        }

        db.Add(record);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return IntakeOutcome.TooLarge;
    }
}
