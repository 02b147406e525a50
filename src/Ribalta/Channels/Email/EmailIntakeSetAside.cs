using Ribalta.Channels.Contracts;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using Ribalta.Channels.Contracts.Events;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Contracts.Events;
using Ribalta.Channels.Ingest;
using Ribalta.Customers.Contracts;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Storage;
using Ribalta.Platform.Text;

namespace Ribalta.Channels.Email;

/// <summary>Mail kept for an administrator instead of a case, and opening it as a case when that was wrong.</summary>
internal sealed partial class EmailIntake
{
    /// <summary>Keeps a mail for an administrator instead of a case (for one that could not be stored, with the error).</summary>
    public async Task<IntakeOutcome> SetAsideAsync(Mailbox mailbox, byte[] raw, SetAsideReason reason, string? detail, CancellationToken ct)
    {
        ParsedEmail? email = null;
        try
        {
            email = EmailParser.Parse(await LoadAsync(raw, ct));
        }
        catch (FormatException)
        {
            // Kept all the same; the list shows it without sender or subject.
        }

        return await SetAsideAsync(mailbox, raw, email, reason, detail, ct);
    }

    private async Task<IntakeOutcome> SetAsideAsync(Mailbox mailbox, byte[] raw, ParsedEmail? email, SetAsideReason reason, string? detail, CancellationToken ct)
    {
        var sha = await blobs.PutAsync(raw, ct);
        // Fetched again after a crash before the server was told: kept once.
        if (!await db.Set<SetAsideMail>().AnyAsync(s => s.MailboxId == mailbox.Id && s.EmlSha256 == sha && s.Reason == reason, ct))
        {
            db.Add(SetAside(mailbox, sha, raw.LongLength, email, reason, detail));
            await db.SaveChangesAsync(ct);
        }

        return IntakeOutcome.SetAside;
    }

    private SetAsideMail SetAside(Mailbox mailbox, string sha, long size, ParsedEmail? email, SetAsideReason reason, string? detail) => new()
    {
        MailboxId = mailbox.Id,
        Reason = reason,
        Detail = EmailParser.Line(detail) is { Length: > 0 } said ? Truncate(said, SetAsideMail.DetailMax) : null,
        FromAddress = Truncate(email?.FromAddress ?? "", 254),
        Subject = Truncate(email?.Subject ?? "", 300),
        EmlSha256 = sha,
        Size = size,
        SetAsideAt = clock.GetUtcNow(),
    };

    /// <summary>
    /// An administrator's "open as a case" for mail set aside by mistake: the normal landing of the stored original,
    /// from the sender they name (needed when it had no valid one), whatever had made it look automatic.
    /// </summary>
    public async Task<Result<long>> OpenSetAsideAsync(Actor admin, Guid mailboxId, Guid id, string? sender, CancellationToken ct)
    {
        var aside = await db.Set<SetAsideMail>().FirstOrDefaultAsync(s => s.Id == id && s.MailboxId == mailboxId, ct);
        var mailbox = await db.Set<Mailbox>().AsNoTracking().FirstOrDefaultAsync(m => m.Id == mailboxId, ct);
        if (aside is null || mailbox is null)
        {
            return Error.NotFound();
        }

        if (aside.CaseId is not null)
        {
            return Error.Conflict("Error.SetAsideAlreadyOpened");
        }

        byte[] raw;
        await using (var stream = blobs.OpenRead(aside.EmlSha256))
        {
            if (stream is null)
            {
                return Error.NotFound();
            }

            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy, ct);
            raw = copy.ToArray();
        }

        var email = EmailParser.Parse(await LoadAsync(raw, ct));
        var named = EmailParser.Line(sender).ToLowerInvariant();
        var address = named.Length > 0 ? named : email.FromAddress;
        if (address is null || address.Length > 254 || !ValidationBuilder.IsEmail(address))
        {
            return Error.Validation("sender", "Validation.SetAsideSender");
        }

        email = email with { FromAddress = address, FromName = named.Length > 0 ? null : email.FromName, Automatic = AutomaticKind.None };
        // A reused Message-ID belongs to the mail stored under it: this one is recorded under its own content.
        var key = aside.Reason == SetAsideReason.ReusedMessageId ? EmailRecord.KeyFor(null, () => email.ContentHash) : email.Key;
        var mailer = new Actor(ActorKind.System, "mailbox:" + mailbox.Id, mailbox.Name);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Claimed first: of two administrators opening it at once, the second waits here and is told it is done.
        var now = clock.GetUtcNow();
        if (await db.Set<SetAsideMail>().Where(s => s.Id == aside.Id && s.OpenedAt == null).ExecuteUpdateAsync(s => s.SetProperty(x => x.OpenedAt, now), ct) != 1)
        {
            return Error.Conflict("Error.SetAsideAlreadyOpened");
        }

        var record = await db.Set<EmailRecord>().FirstOrDefaultAsync(e => e.Key == key, ct);
        if (record is { CaseId: not null })
        {
            return Error.Conflict("Error.SetAsideAlreadyOpened");
        }

        if (record is null)
        {
            record = new EmailRecord
            {
                Key = key,
                Direction = EmailDirection.Inbound,
                MailboxId = mailbox.Id,
                HeaderMessageId = aside.Reason != SetAsideReason.ReusedMessageId && email.MessageId is { Length: <= EmailRecord.KeyMax } mid ? mid : null,
                Address = Truncate(address, 254),
                Subject = Truncate(email.Subject, 300),
                Size = raw.LongLength,
                HasHtml = email.Html is not null,
                ContentHash = email.ContentHash,
                EmlSha256 = aside.EmlSha256,
                CreatedAt = clock.GetUtcNow(),
            };
            db.Add(record);
        }

        try
        {
            var landed = await LandWordsAsync(mailbox, mailer, email, record, ct);
            if (!landed.IsSuccess)
            {
                return landed.Error!;
            }

            aside.CaseId = record.CaseId;
            aside.OpenedAt = now;
            aside.OpenedBy = Truncate(admin.Name, 200);
            db.Append(clock, admin, new MailboxSetAsideOpened(aside.Id, aside.Reason, record.CaseId), "mailbox", mailbox.Id.ToString());
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return record.CaseId!.Value;
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            // The same mail was stored meanwhile (fetched again, or opened from another set-aside copy): nothing written here.
            db.ChangeTracker.Clear();
            return Error.Conflict("Error.SetAsideAlreadyOpened");
        }
    }
}
