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

internal sealed class EmailOptions
{
    public const string Section = "Email";

    /// <summary>Larger mail is left on the server and the case says so.</summary>
    public long MaxMessageBytes { get; init; } = 25 * 1024 * 1024;

    /// <summary>Files kept from one email; the rest stay in the original message.</summary>
    public int MaxAttachments { get; init; } = 20;

    /// <summary>Messages taken from one mailbox in one check; the rest wait for the next.</summary>
    public int MaxPerPoll { get; init; } = 200;

    /// <summary>How often the poller looks for mailboxes that are due.</summary>
    public TimeSpan PollerTick { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Mail not sent after this long is given up and the case says so.</summary>
    public TimeSpan GiveUpAfter { get; init; } = TimeSpan.FromHours(48);

    /// <summary>A mail that fails to be stored at this many checks in a row is set aside, with the error, for an administrator.</summary>
    public int SetAsideAfterFailures { get; init; } = 3;
}

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

    /// <summary>
    /// A delivery failure report: the case of the mail it reports on says so, and that mail is marked failed. False
    /// when it reports on no mail we know (it is then set aside).
    /// </summary>
    private async Task<bool> RecordBounceAsync(Actor mailer, ParsedEmail email, EmailRecord record, CancellationToken ct)
    {
        if (email.BounceOf is not { } original)
        {
            return false;
        }

        var sent = await db.Set<OutboundEmail>().FirstOrDefaultAsync(o => o.HeaderMessageId == original, ct);
        if (sent is null)
        {
            return false;
        }

        var reason = Truncate(email.FullText.Split('\n').FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "", 300);
        sent.Status = OutboundStatus.Failed;
        sent.LastError = Truncate("Bounced: " + reason, 500);
        record.CaseId = sent.CaseId;
        await db.SaveChangesAsync(ct);
        if (sent.CaseId is { } caseId)
        {
            await conversation.SystemEntryAsync(mailer, caseId, new SystemEntry("Email.Bounced", [sent.ToAddress, reason]), ct);
        }

        return true;
    }

    /// <summary>
    /// The chat visitor this mail comes from, when it answers our mail on a chat case and comes from the very address
    /// the visitor left there (nobody else can answer mail sent to an address they do not read).
    /// </summary>
    private async Task<Guid?> ChatVisitorAsync(ParsedEmail email, CancellationToken ct)
    {
        var ancestors = email.Ancestors.Where(a => a.Length <= EmailRecord.KeyMax).Take(30).ToList();
        if (ancestors.Count == 0)
        {
            return null;
        }

        var cases = await db.Set<EmailRecord>().AsNoTracking()
            .Where(e => e.Direction == EmailDirection.Outbound && e.HeaderMessageId != null && ancestors.Contains(e.HeaderMessageId) && e.CaseId != null)
            .Select(e => e.CaseId!.Value).Distinct().ToListAsync(ct);
        var from = email.FromAddress!.Trim().ToLowerInvariant();
        return cases.Count == 0 ? null : await db.Set<Chat.ChatSession>().AsNoTracking()
            .Where(s => cases.Contains(s.CaseId) && s.VisitorEmail != null && s.VisitorEmail.ToLower() == from)
            .Select(s => (Guid?)s.CustomerId).FirstOrDefaultAsync(ct);
    }

    /// <summary>
    /// The cases this mail may continue, nearest first: the cases of its ancestors we know (our reply or their earlier
    /// mail), then the case token in the subject. The landing takes the first open one of the sender's.
    /// </summary>
    private async Task<IReadOnlyList<long>> ThreadAsync(ParsedEmail email, CancellationToken ct)
    {
        var ancestors = email.Ancestors.Where(a => a.Length <= EmailRecord.KeyMax).Take(30).ToList();
        var candidates = new List<long>();
        if (ancestors.Count > 0)
        {
            var known = await db.Set<EmailRecord>().AsNoTracking()
                .Where(e => e.HeaderMessageId != null && ancestors.Contains(e.HeaderMessageId) && e.CaseId != null)
                .Select(e => new { e.HeaderMessageId, e.CaseId })
                .ToListAsync(ct);
            candidates.AddRange(ancestors.SelectMany(a => known.Where(k => k.HeaderMessageId == a).Select(k => k.CaseId!.Value)));
        }

        if (email.CaseToken is { } token)
        {
            candidates.Add(token);
        }

        return candidates;
    }

    /// <summary>At most <paramref name="max"/> characters, never half of a surrogate pair (PostgreSQL refuses those).</summary>
    private static string Truncate(string value, int max) =>
        value.Length <= max ? value : value[..(char.IsHighSurrogate(value[max - 1]) ? max - 1 : max)];

    private static string ValidationSafe(string value) => new(value.Where(c => !char.IsControl(c)).ToArray());
}

/// <summary>A landing that lost a race (a contact created meanwhile, a case changed): tried again from the start.</summary>
internal sealed class LandingConflict(string message) : Exception(message);
