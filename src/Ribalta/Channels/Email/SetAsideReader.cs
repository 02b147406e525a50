using Ribalta.Channels.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Ribalta.Platform.Data;
using Ribalta.Platform.Localization;
using Ribalta.Platform.Storage;

namespace Ribalta.Channels.Email;

/// <summary>A set-aside mail as administrators see it: why (in their language), from whom, and what became of it.</summary>
public sealed record SetAsideMailDto(
    Guid Id,
    Guid MailboxId,
    SetAsideReason Reason,
    string ReasonText,
    string? Detail,
    string FromAddress,
    string Subject,
    long Size,
    DateTimeOffset SetAsideAt,
    long? CaseId,
    DateTimeOffset? OpenedAt,
    string? OpenedBy);

/// <summary>"Open as a case": the sender to use when the mail had no valid one (else its own).</summary>
public sealed record OpenSetAsideRequest(string? Sender);

public sealed record OpenedSetAside(long CaseId);

/// <summary>The mail a mailbox set aside, newest first, and its originals.</summary>
internal sealed class SetAsideReader(RibaltaDbContext db, IBlobStore blobs, IStringLocalizer<Strings> localizer)
{
    public const int PageSize = 100;

    /// <summary>The newest <see cref="PageSize"/>; null when the mailbox does not exist.</summary>
    public async Task<IReadOnlyList<SetAsideMailDto>?> ListAsync(Guid mailboxId, CancellationToken ct)
    {
        if (!await db.Set<Mailbox>().AnyAsync(m => m.Id == mailboxId, ct))
        {
            return null;
        }

        return await ReadAsync(db.Set<SetAsideMail>().Where(s => s.MailboxId == mailboxId), ct);
    }

    /// <summary>The newest <see cref="PageSize"/> of every mailbox, for the mailboxes page.</summary>
    public Task<IReadOnlyList<SetAsideMailDto>> RecentAsync(CancellationToken ct) => ReadAsync(db.Set<SetAsideMail>(), ct);

    private async Task<IReadOnlyList<SetAsideMailDto>> ReadAsync(IQueryable<SetAsideMail> query, CancellationToken ct)
    {
        var rows = await query.AsNoTracking().OrderByDescending(s => s.SetAsideAt).Take(PageSize).ToListAsync(ct);
        return rows.Select(s => new SetAsideMailDto(s.Id, s.MailboxId, s.Reason, localizer[$"Email.SetAside.{s.Reason}"], s.Detail, s.FromAddress, s.Subject, s.Size,
            s.SetAsideAt, s.CaseId, s.OpenedAt, s.OpenedBy)).ToList();
    }

    public async Task<Stream?> OriginalAsync(Guid mailboxId, Guid id, CancellationToken ct) =>
        await db.Set<SetAsideMail>().AsNoTracking().Where(s => s.Id == id && s.MailboxId == mailboxId).Select(s => s.EmlSha256).FirstOrDefaultAsync(ct) is { } sha
            ? blobs.OpenRead(sha)
            : null;
}
