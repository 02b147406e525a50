using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Ribalta.Platform.Notifications;

/// <summary>
/// Something a member of staff should know about: one row per person. The words are a localization key and arguments,
/// rendered when read, so each reader sees their own language. <see cref="Source"/> with the kind is unique per
/// recipient: whatever runs twice (the event feed, a job) adds nothing the second time.
/// </summary>
internal sealed class Notification
{
    public long Id { get; private set; }

    public Guid RecipientId { get; init; }

    public required string Kind { get; init; }

    public required string SubjectType { get; init; }

    public required string SubjectId { get; init; }

    public long? CaseId { get; init; }

    public required string TextKey { get; init; }

    /// <summary>The text's arguments, a JSON array of strings.</summary>
    public required string Arguments { get; init; }

    /// <summary>A path in the app (<c>/cases/42</c>).</summary>
    public required string Link { get; init; }

    public required string Source { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? ReadAt { get; set; }

    /// <summary>When it went out in an email digest (it is never mailed twice).</summary>
    public DateTimeOffset? DigestedAt { get; set; }
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> builder)
    {
        builder.ToTable("notifications");
        builder.HasKey(n => n.Id);
        builder.Property(n => n.Kind).HasMaxLength(NotificationDraft.KindMax);
        builder.Property(n => n.SubjectType).HasMaxLength(40);
        builder.Property(n => n.SubjectId).HasMaxLength(100);
        builder.Property(n => n.TextKey).HasMaxLength(NotificationDraft.TextKeyMax);
        builder.Property(n => n.Arguments).HasMaxLength(Notifier.ArgumentsMax);
        builder.Property(n => n.Link).HasMaxLength(NotificationDraft.LinkMax);
        builder.Property(n => n.Source).HasMaxLength(NotificationDraft.SourceMax);

        // A person's list (newest first) and their unread ones (the bell's count, the digest) are read by recipient.
        builder.HasIndex(n => new { n.RecipientId, n.Id });
        builder.HasIndex(n => new { n.RecipientId, n.ReadAt, n.Id });
        builder.HasIndex(n => new { n.RecipientId, n.Kind, n.Source }).IsUnique();
    }
}

/// <summary>A person's choices: the kinds they turned off, and how often their unread notifications are emailed.</summary>
internal sealed class NotificationPreference
{
    public const int MutedMax = 1000;

    public Guid StaffId { get; init; }

    public DigestFrequency Digest { get; set; }

    /// <summary>The kinds turned off, separated by spaces (kind names have none).</summary>
    public string Muted { get; set; } = "";

    /// <summary>When the last digest was sent (one per period at most).</summary>
    public DateTimeOffset? LastDigestAt { get; set; }

    public IReadOnlySet<string> MutedKinds => Muted.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
}

internal sealed class NotificationPreferenceConfiguration : IEntityTypeConfiguration<NotificationPreference>
{
    public void Configure(EntityTypeBuilder<NotificationPreference> builder)
    {
        builder.ToTable("notification_preferences");
        builder.HasKey(p => p.StaffId);
        builder.Property(p => p.StaffId).ValueGeneratedNever();
        builder.Property(p => p.Digest).HasConversion<string>().HasMaxLength(10);
        builder.Property(p => p.Muted).HasMaxLength(NotificationPreference.MutedMax);
        builder.Ignore(p => p.MutedKinds);

        // The digest job reads the people who chose a digest.
        builder.HasIndex(p => p.Digest);
    }
}
