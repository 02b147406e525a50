using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using Ribalta.Cases.Contracts;
using Ribalta.Channels.Contracts;
using Ribalta.Customers.Contracts;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Storage;
using Ribalta.Platform.Text;

namespace Ribalta.Channels.Email;

public enum IntakeOutcome
{
    Landed,
    Duplicate,
    Automatic,
    Loop,
    TooLarge,

    /// <summary>Kept whole for an administrator (<see cref="SetAsideMail"/>), not a case.</summary>
    SetAside,
}

/// <summary>
/// Lands one fetched email in one transaction: the person (found by address or created), the case (threaded by
/// In-Reply-To, References or the case token in the subject, or new), the words, the files, and the record of the
/// Message-ID whose uniqueness makes a second fetch, or a racing worker, store nothing.
/// </summary>
internal sealed partial class EmailIntake(
    RibaltaDbContext db,
    IBlobStore blobs,
    ICustomerDirectory customers,
    IInboundLanding landing,
    ICaseFiles files,
    ICaseConversation conversation,
    LanguageDetector languages,
    IOptions<EmailOptions> options,
    TimeProvider clock)
{
    /// <summary>
    /// Lands one fetched mail. <see cref="IntakeOutcome.Duplicate"/> only when this very mail (the same content, trace
    /// headers aside) is stored already; every other outcome means its bytes are stored here. Either way the server
    /// may then forget it.
    /// </summary>
    public async Task<IntakeOutcome> LandAsync(Mailbox mailbox, byte[] raw, CancellationToken ct)
    {
        var email = EmailParser.Parse(await LoadAsync(raw, ct));
        return await OnceAsync(email.Key, email.ContentHash, () => LandOnceAsync(mailbox, raw, email, ct),
            () => SetAsideAsync(mailbox, raw, email, SetAsideReason.ReusedMessageId, email.MessageId, ct), ct);
    }

    private static async Task<MimeMessage> LoadAsync(byte[] raw, CancellationToken ct)
    {
        using var stream = new MemoryStream(raw, writable: false);
        return await MimeMessage.LoadAsync(stream, ct);
    }

    /// <summary>
    /// Lands a message unless its key is stored. Two workers racing on one message (or on one new sender) collide on a
    /// unique key; the loser's transaction leaves nothing, and on its retry it finds the key stored. A stored key with
    /// other content is another mail reusing a Message-ID: <paramref name="reused"/> keeps it.
    /// </summary>
    private Task<IntakeOutcome> OnceAsync(string key, string? contentHash, Func<Task<IntakeOutcome>> land, Func<Task<IntakeOutcome>>? reused, CancellationToken ct) =>
        ConflictRetry.RunAsync(db, async () =>
        {
            if (await db.Set<EmailRecord>().AsNoTracking().Where(e => e.Key == key).Select(e => new { e.ContentHash }).FirstOrDefaultAsync(ct) is { } stored)
            {
                return reused is null || contentHash is null || stored.ContentHash is null || stored.ContentHash == contentHash
                    ? IntakeOutcome.Duplicate
                    : await reused();
            }

            return await land();
        }, ct, attempts: 4, isConflict: ex => ex is LandingConflict || DbErrors.IsConflict(ex));

    private async Task<IntakeOutcome> LandOnceAsync(Mailbox mailbox, byte[] raw, ParsedEmail email, CancellationToken ct)
    {
        var key = email.Key;
        var mailer = new Actor(ActorKind.System, "mailbox:" + mailbox.Id, mailbox.Name);
        var ours = await db.Set<Mailbox>().AsNoTracking().Select(m => new { m.Id, m.Address }).ToListAsync(ct);
        var record = new EmailRecord
        {
            Key = key,
            Direction = EmailDirection.Inbound,
            MailboxId = mailbox.Id,
            HeaderMessageId = email.MessageId is { Length: <= EmailRecord.KeyMax } id ? id : null,
            Address = Truncate(email.FromAddress ?? "", 254),
            Subject = Truncate(email.Subject, 300),
            Size = raw.LongLength,
            HasHtml = email.Html is not null,
            ContentHash = email.ContentHash,
            CreatedAt = clock.GetUtcNow(),
        };

        // Content-addressed, so written before the transaction (which on SQLite holds the write lock): a rollback leaves
        // at most a file nobody points to.
        record.EmlSha256 = await blobs.PutAsync(raw, ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        IntakeOutcome outcome;
        // Ours when it carries one of our own mailbox ids (another company's Ribalta uses the same header) or comes from our address.
        if (ours.Any(m => m.Id.ToString() == email.LoopMarker || m.Address == email.FromAddress))
        {
            record.Disposition = EmailDisposition.Loop;
            outcome = IntakeOutcome.Loop;
        }
        else if (email.Automatic == AutomaticKind.Bounce)
        {
            record.Disposition = EmailDisposition.Bounce;
            if (await RecordBounceAsync(mailer, email, record, ct))
            {
                outcome = IntakeOutcome.Automatic;
            }
            else
            {
                db.Add(SetAside(mailbox, record.EmlSha256!, raw.LongLength, email, SetAsideReason.UnmatchedBounce, email.BounceOf is { } of ? $"<{of}>" : null));
                outcome = IntakeOutcome.SetAside;
            }
        }
        else if (email.Automatic is AutomaticKind.Receipt or AutomaticKind.AbuseReport)
        {
            // Read receipts are nobody's words; an abuse complaint is for an administrator to see.
            record.Disposition = EmailDisposition.Report;
            outcome = IntakeOutcome.Automatic;
            if (email.Automatic == AutomaticKind.AbuseReport)
            {
                db.Add(SetAside(mailbox, record.EmlSha256!, raw.LongLength, email, SetAsideReason.AbuseReport, null));
                outcome = IntakeOutcome.SetAside;
            }
        }
        else if (email.FromAddress is null || !ValidationBuilder.IsEmail(email.FromAddress))
        {
            record.Disposition = EmailDisposition.NoSender;
            db.Add(SetAside(mailbox, record.EmlSha256!, raw.LongLength, email, SetAsideReason.NoSender, email.FromAddress));
            outcome = IntakeOutcome.SetAside;
        }
        else if (email.Automatic == AutomaticKind.AutoReply)
        {
            // Never answered; kept on its case when it threads onto one, so the agent knows the customer is away.
            record.Disposition = EmailDisposition.AutoReply;
            if (await customers.FindByContactAsync(ContactKind.Email, email.FromAddress, ct) is { } sender
                && await landing.OpenCaseOfAsync(sender.Id, await ThreadAsync(email, ct), ct) is { } threaded)
            {
                record.CaseId = threaded;
                var text = Truncate(email.Text, 2000);
                await conversation.SystemEntryAsync(mailer, threaded, new SystemEntry("Email.AutoReplyReceived", [email.FromAddress, email.Subject, text]), ct);
            }

            outcome = IntakeOutcome.Automatic;
        }
        else
        {
            var landed = await LandWordsAsync(mailbox, mailer, email, record, ct);
            if (!landed.IsSuccess)
            {
                throw new LandingConflict($"The email {key} could not land: {landed.Error!.MessageKey}");
            }

            outcome = IntakeOutcome.Landed;
        }

        // The key last: of two workers with the same message, the second waits here for the first and then fails,
        // leaving nothing behind (its transaction is rolled back when disposed).
        db.Add(record);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return outcome;
    }

    /// <summary>At most <paramref name="max"/> characters, never half of a surrogate pair (PostgreSQL refuses those).</summary>
    private static string Truncate(string value, int max) =>
        value.Length <= max ? value : value[..(char.IsHighSurrogate(value[max - 1]) ? max - 1 : max)];

    private static string ValidationSafe(string value) => new(value.Where(c => !char.IsControl(c)).ToArray());
}

/// <summary>A landing that lost a race (a contact created meanwhile, a case changed): tried again from the start.</summary>
internal sealed class LandingConflict(string message) : Exception(message);
