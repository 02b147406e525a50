using Ribalta.Channels.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Ribalta.Channels.Email;

/// <summary>
/// A fetched mail that opened no case: kept whole (its original in the blob store) with why, so an administrator can
/// read it, download it, and open it as a case when the refusal was wrong. Only then may the server forget it.
/// </summary>
internal sealed class SetAsideMail
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid MailboxId { get; init; }

    public SetAsideReason Reason { get; init; }

    /// <summary>What the machine said (the error, the sender as written); not localized.</summary>
    public string? Detail { get; init; }

    public string FromAddress { get; init; } = "";

    public string Subject { get; init; } = "";

    public required string EmlSha256 { get; init; }

    public long Size { get; init; }

    public DateTimeOffset SetAsideAt { get; init; }

    /// <summary>The case it was opened as, by an administrator; null while it waits.</summary>
    public long? CaseId { get; set; }

    public DateTimeOffset? OpenedAt { get; set; }

    public string? OpenedBy { get; set; }

    public const int DetailMax = 500;
}

internal sealed class SetAsideMailConfiguration : IEntityTypeConfiguration<SetAsideMail>
{
    public void Configure(EntityTypeBuilder<SetAsideMail> builder)
    {
        builder.ToTable("set_aside_mail");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.Reason).HasConversion<string>().HasMaxLength(20);
        builder.Property(s => s.Detail).HasMaxLength(SetAsideMail.DetailMax);
        builder.Property(s => s.FromAddress).HasMaxLength(254);
        builder.Property(s => s.Subject).HasMaxLength(300);
        builder.Property(s => s.EmlSha256).HasMaxLength(64);
        builder.Property(s => s.OpenedBy).HasMaxLength(200);
        builder.HasIndex(s => new { s.MailboxId, s.SetAsideAt });
        builder.HasIndex(s => s.EmlSha256);
        builder.HasOne<Mailbox>().WithMany().HasForeignKey(s => s.MailboxId).OnDelete(DeleteBehavior.Cascade);
    }
}
