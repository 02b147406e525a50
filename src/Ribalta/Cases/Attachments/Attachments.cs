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

/// <summary>A file as it arrives from a form or a request, before any check.</summary>
public sealed record IncomingFile(string? FileName, ReadOnlyMemory<byte> Content);

/// <summary>A file that passed the checks: a clean name, an accepted type sniffed from its bytes, a size in bounds.</summary>
public sealed record CheckedFile(string FileName, string ContentType, ReadOnlyMemory<byte> Content);

/// <summary>Uploads (size-limited, type sniffed from content), attaching to messages, and reading with permission checks.</summary>
internal sealed class AttachmentService(RibaltaDbContext db, IBlobStore blobs, TimeProvider clock)
{
    public const long MaxBytes = 10 * 1024 * 1024;
    public const int FileNameMax = 200;

    /// <summary>Files a customer may send with one message from the portal.</summary>
    public const int MaxFilesPerMessage = 5;

    /// <summary>Checks a file: a usable name, not empty, within the size limit, and of an accepted type by its content.</summary>
    public static CheckedFile? Check(ValidationBuilder v, IncomingFile file, string nameField = "fileName", string fileField = "file")
    {
        var name = CleanFileName(file.FileName);
        var content = file.Content;
        if (name is null)
        {
            v.Add(nameField, "Validation.Required");
        }

        if (content.Length == 0)
        {
            v.Add(fileField, "Validation.FileEmpty");
        }
        else if (content.Length > MaxBytes)
        {
            v.Add(fileField, "Validation.FileTooLarge", MaxBytes / 1024 / 1024);
        }

        var contentType = content.Length is > 0 and <= (int)MaxBytes ? ContentSniffer.Detect(content.Span) : null;
        if (content.Length is > 0 and <= (int)MaxBytes && contentType is null)
        {
            v.Add(fileField, "Validation.FileType");
        }

        return name is not null && contentType is not null ? new CheckedFile(name, contentType, content) : null;
    }

    /// <summary>Stores the bytes (content-addressed) and returns the row for the caller to save with its message.</summary>
    public async Task<Attachment> StageAsync(Actor actor, long caseId, CheckedFile file, CancellationToken ct)
    {
        var sha = await blobs.PutAsync(file.Content, ct);
        return new Attachment { CaseId = caseId, FileName = file.FileName, ContentType = file.ContentType, Size = file.Content.Length, Sha256 = sha, UploadedBy = actor.Id, CreatedAt = clock.GetUtcNow() };
    }

    public async Task<Result<AttachmentDto>> UploadAsync(Actor actor, long caseId, string? fileName, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        var v = new ValidationBuilder();
        var file = Check(v, new IncomingFile(fileName, content));
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

        var attachment = await StageAsync(actor, caseId, file!, ct);
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
            && (row.CustomerId != customer || row.Kind is null or MessageKind.InternalNote or MessageKind.System))
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
