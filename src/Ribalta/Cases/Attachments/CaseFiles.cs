using Microsoft.EntityFrameworkCore;
using Ribalta.Cases.Contracts;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Storage;

namespace Ribalta.Cases.Attachments;

/// <summary>A case's files as the channels see them (<see cref="ICaseFiles"/>): checked like any upload, stored by content.</summary>
internal sealed class CaseFiles(RibaltaDbContext db, IBlobStore blobs, TimeProvider clock) : ICaseFiles
{
    public async Task<Guid?> KeepAsync(Actor by, long caseId, long messageId, string fileName, byte[] content, CancellationToken ct)
    {
        if (AttachmentService.Check(new ValidationBuilder(), new IncomingFile(fileName, content)) is not { } file)
        {
            return null;
        }

        var attachment = new Attachment
        {
            CaseId = caseId,
            MessageId = messageId,
            FileName = file.FileName,
            ContentType = file.ContentType,
            Size = file.Content.Length,
            Sha256 = await blobs.PutAsync(file.Content, ct),
            UploadedBy = by.Id,
            CreatedAt = clock.GetUtcNow(),
        };
        db.Add(attachment);
        return attachment.Id;
    }

    public async Task<IReadOnlyList<CaseFile>> OfMessageAsync(long messageId, CancellationToken ct) =>
        await db.Set<Attachment>().AsNoTracking().Where(a => a.MessageId == messageId).OrderBy(a => a.CreatedAt)
            .Select(a => new CaseFile(a.Id, a.FileName, a.ContentType, a.Size, a.Sha256)).ToListAsync(ct);

    public async Task<IReadOnlyDictionary<Guid, CaseFile>> FindAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct) =>
        await db.Set<Attachment>().AsNoTracking().Where(a => ids.Contains(a.Id))
            .Select(a => new CaseFile(a.Id, a.FileName, a.ContentType, a.Size, a.Sha256)).ToDictionaryAsync(a => a.Id, ct);
}
