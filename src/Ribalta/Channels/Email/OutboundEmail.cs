using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Ribalta.Cases.Contracts;

namespace Ribalta.Channels.Email;

public enum OutboundStatus
{
    Pending,
    Sent,
    Failed,
}

public enum OutboundKind
{
    Reply,
    SignInLink,
    Digest,
}

/// <summary>
/// Mail waiting to go out, written in the same transaction as what it tells (a reply, a sign-in link), and sent by the
/// dispatcher with retries. Its Message-ID is fixed when written, so a resend after a crash is the same message.
/// </summary>
internal sealed class OutboundEmail
{
    public long Id { get; private set; }

    public Guid MailboxId { get; init; }

    public OutboundKind Kind { get; init; }

    public long? CaseId { get; init; }

    /// <summary>The reply this mail carries.</summary>
    public long? MessageId { get; init; }

    public required string ToAddress { get; init; }

    public string? ToName { get; init; }

    public required string Subject { get; init; }

    /// <summary>The words; a sign-in link's are wiped once sent or given up, since they carry its secret.</summary>
    public required string TextBody { get; set; }

    public string? Language { get; init; }

    public required string HeaderMessageId { get; init; }

    public string? InReplyTo { get; init; }

    /// <summary>Space-separated Message-IDs (without brackets), oldest first.</summary>
    public string? References { get; init; }

    public OutboundStatus Status { get; set; }

    public int Attempts { get; set; }

    /// <summary>When to try next; while a sender holds it, the end of its lease.</summary>
    public DateTimeOffset NextAttemptAt { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? SentAt { get; set; }
}

internal sealed class OutboundEmailConfiguration : IEntityTypeConfiguration<OutboundEmail>
{
    public void Configure(EntityTypeBuilder<OutboundEmail> builder)
    {
        builder.ToTable("email_outbox");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Kind).HasConversion<string>().HasMaxLength(12);
        builder.Property(e => e.Status).HasConversion<string>().HasMaxLength(10);
        builder.Property(e => e.ToAddress).HasMaxLength(254);
        builder.Property(e => e.ToName).HasMaxLength(200);
        builder.Property(e => e.Subject).HasMaxLength(300);
        builder.Property(e => e.TextBody).HasMaxLength(60_000);
        builder.Property(e => e.Language).HasMaxLength(8);
        builder.Property(e => e.HeaderMessageId).HasMaxLength(EmailRecord.KeyMax);
        builder.Property(e => e.InReplyTo).HasMaxLength(EmailRecord.KeyMax);
        builder.Property(e => e.References).HasMaxLength(4000);
        builder.Property(e => e.LastError).HasMaxLength(500);
        builder.HasIndex(e => new { e.Status, e.NextAttemptAt });
        builder.ReferencesMessage(e => e.MessageId, DeleteBehavior.Restrict);
        builder.HasOne<Mailbox>().WithMany().HasForeignKey(e => e.MailboxId).OnDelete(DeleteBehavior.Restrict);
    }
}
