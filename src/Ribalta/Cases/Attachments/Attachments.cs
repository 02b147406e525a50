using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Domain;
using Ribalta.Cases.ViewCase;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Storage;

namespace Ribalta.Cases.Attachments;

/// <summary>A file on a case: uploaded first (pending), then attached to the reply or note that sends it.</summary>
internal sealed class Attachment
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public long CaseId { get; init; }

    public long? MessageId { get; set; }

    public Message? Message { get; set; }

    public required string FileName { get; init; }

    public required string ContentType { get; init; }

    public long Size { get; init; }

    public required string Sha256 { get; init; }

    public string? UploadedBy { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

internal sealed class AttachmentConfiguration : IEntityTypeConfiguration<Attachment>
{
    public void Configure(EntityTypeBuilder<Attachment> builder)
    {
        builder.ToTable("attachments");
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.Property(a => a.FileName).HasMaxLength(AttachmentService.FileNameMax);
        builder.Property(a => a.ContentType).HasMaxLength(100);
        builder.Property(a => a.Sha256).HasMaxLength(64);
        builder.Property(a => a.UploadedBy).HasMaxLength(100);
        builder.HasOne<Case>().WithMany().HasForeignKey(a => a.CaseId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(a => a.Message).WithMany().HasForeignKey(a => a.MessageId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(a => new { a.CaseId, a.MessageId });
        builder.HasIndex(a => a.MessageId);
    }
}

public sealed record AttachmentFile(AttachmentDto Attachment, Stream Content);

/// <summary>Uploads (size-limited, type sniffed from content), attaching to messages, and reading with permission checks.</summary>
internal sealed class AttachmentService(RibaltaDbContext db, IBlobStore blobs, TimeProvider clock)
{
    public const long MaxBytes = 10 * 1024 * 1024;
    public const int FileNameMax = 200;

    public async Task<Result<AttachmentDto>> UploadAsync(Actor actor, long caseId, string? fileName, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        var name = CleanFileName(fileName);
        var v = new ValidationBuilder();
        if (name is null)
        {
            v.Add("fileName", "Validation.Required");
        }

        if (content.Length == 0)
        {
            v.Add("file", "Validation.FileEmpty");
        }
        else if (content.Length > MaxBytes)
        {
            v.Add("file", "Validation.FileTooLarge", MaxBytes / 1024 / 1024);
        }

        var contentType = content.Length is > 0 and <= (int)MaxBytes ? ContentSniffer.Detect(content.Span) : null;
        if (content.Length is > 0 and <= (int)MaxBytes && contentType is null)
        {
            v.Add("file", "Validation.FileType");
        }

        if (v.ToError() is { } invalid)
        {
            return invalid;
        }

        var @case = await db.Set<Case>().AsNoTracking().Where(c => c.Id == caseId).Select(c => new { c.CustomerId, c.Status }).FirstOrDefaultAsync(ct);
        if (@case is null || (actor.Kind == ActorKind.Customer && @case.CustomerId.ToString() != actor.Id))
        {
            return Error.NotFound();
        }

        if (@case.Status == CaseStatus.Closed)
        {
            return Error.Conflict("Error.CaseClosed");
        }

        var sha = await blobs.PutAsync(content, ct);
        var attachment = new Attachment { CaseId = caseId, FileName = name!, ContentType = contentType!, Size = content.Length, Sha256 = sha, UploadedBy = actor.Id, CreatedAt = clock.GetUtcNow() };
        db.Add(attachment);
        await db.SaveChangesAsync(ct);
        return ToDto(attachment);
    }

    /// <summary>Pending uploads of this person on this case, ready to go out with a message; null when an id is not one.</summary>
    public async Task<List<Attachment>?> PendingAsync(Actor actor, long caseId, IReadOnlyCollection<Guid>? ids, CancellationToken ct)
    {
        if (ids is null || ids.Count == 0)
        {
            return [];
        }

        var distinct = ids.Distinct().ToList();
        var found = await db.Set<Attachment>().Where(a => distinct.Contains(a.Id) && a.CaseId == caseId && a.MessageId == null && a.UploadedBy == actor.Id).ToListAsync(ct);
        return found.Count == distinct.Count ? found : null;
    }

    public async Task<AttachmentFile?> OpenAsync(Guid id, CaseViewer viewer, CancellationToken ct)
    {
        var row = await db.Set<Attachment>().AsNoTracking()
            .Where(a => a.Id == id)
            .Join(db.Set<Case>(), a => a.CaseId, c => c.Id, (a, c) => new
            {
                Attachment = a,
                c.CustomerId,
                Kind = db.Set<Message>().Where(m => m.Id == a.MessageId).Select(m => (MessageKind?)m.Kind).FirstOrDefault(),
            })
            .FirstOrDefaultAsync(ct);
        if (row is null)
        {
            return null;
        }

        if (viewer.CustomerId is { } customer
            && (row.CustomerId != customer || row.Kind is null or MessageKind.InternalNote))
        {
            return null;
        }

        var stream = blobs.OpenRead(row.Attachment.Sha256);
        return stream is null ? null : new AttachmentFile(ToDto(row.Attachment), stream);
    }

    public static AttachmentDto ToDto(Attachment a) => new(a.Id, a.FileName, a.ContentType, a.Size);

    private static string? CleanFileName(string? fileName)
    {
        if (string.IsNullOrWhiteSpace(fileName))
        {
            return null;
        }

        var name = Path.GetFileName(fileName.Replace('\\', '/')).Trim();
        name = new string(name.Where(c => !char.IsControl(c) && c is not '"' and not '<' and not '>').ToArray());
        if (name.Length == 0)
        {
            return null;
        }

        return name.Length <= FileNameMax ? name : name[^FileNameMax..];
    }
}
