using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Ribalta.Channels.Email;

public enum EmailDirection
{
    Inbound,
    Outbound,
}

/// <summary>What became of a fetched email.</summary>
public enum EmailDisposition
{
    /// <summary>Landed in a case as the customer's words.</summary>
    Landed,

    /// <summary>An out-of-office or other automatic reply: noted on its case if it threads, never answered.</summary>
    AutoReply,

    /// <summary>A delivery failure report about mail we sent: recorded on the case of that mail.</summary>
    Bounce,

    /// <summary>Mail from one of our own addresses, or carrying our own marker: a loop, dropped.</summary>
    Loop,

    /// <summary>Without a usable sender address: nobody to answer, kept only here.</summary>
    NoSender,

    /// <summary>Over the size limit: left on the mail server, and the case says so.</summary>
    TooLarge,

    /// <summary>A read receipt or an abuse report: automatic, never a customer's words (abuse reports are set aside).</summary>
    Report,

    /// <summary>Sent by us (a reply, a sign-in link).</summary>
    Sent,
}

/// <summary>
/// Every email in or out, by its Message-ID (or a hash of its content when it has none). The unique key is what makes
/// intake idempotent: the same message fetched twice, or by two workers at once, is stored once. Threading looks up
/// <c>In-Reply-To</c> and <c>References</c> here.
/// </summary>
internal sealed class EmailRecord
{
    public const int KeyMax = 255;

    public long Id { get; private set; }

    /// <summary>"&lt;message-id&gt;", or "sha256:…" of the content when the message has no Message-ID.</summary>
    public required string Key { get; init; }

    public EmailDirection Direction { get; init; }

    public EmailDisposition Disposition { get; set; }

    public Guid? MailboxId { get; init; }

    /// <summary>The Message-ID header without angle brackets; what replies point to.</summary>
    public string? HeaderMessageId { get; init; }

    public long? CaseId { get; set; }

    public long? MessageId { get; set; }

    public required string Address { get; init; }

    public string Subject { get; init; } = "";

    /// <summary>The original message as received (content-addressed in the blob store); null for mail we send.</summary>
    public string? EmlSha256 { get; set; }

    public long Size { get; init; }

    /// <summary>Inline images: Content-ID to the attachment stored for it, so the HTML can show them.</summary>
    public Dictionary<string, Guid> InlineImages { get; set; } = [];

    /// <summary>Whether the message has an HTML body (shown sanitised, remote images blocked until allowed).</summary>
    public bool HasHtml { get; set; }

    /// <summary>
    /// SHA-256 of the whole message as its sender wrote it (trace headers aside): a later mail with this Message-ID
    /// and other content is a different mail, set aside rather than dropped as a duplicate. Null for older records.
    /// </summary>
    public string? ContentHash { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public static string KeyFor(string? messageId, Func<string> contentHash) =>
        string.IsNullOrWhiteSpace(messageId) ? "sha256:" + contentHash()
        : messageId.Length + 2 <= KeyMax ? $"<{messageId.Trim()}>"
        : "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(messageId)));
}

internal sealed class EmailRecordConfiguration : IEntityTypeConfiguration<EmailRecord>
{
    public void Configure(EntityTypeBuilder<EmailRecord> builder)
    {
        builder.ToTable("email_messages");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Key).HasMaxLength(EmailRecord.KeyMax);
        builder.HasIndex(e => e.Key).IsUnique();
        builder.Property(e => e.HeaderMessageId).HasMaxLength(EmailRecord.KeyMax);
        builder.HasIndex(e => e.HeaderMessageId);
        builder.HasIndex(e => new { e.CaseId, e.Id });
        builder.HasIndex(e => e.MessageId);
        builder.HasIndex(e => new { e.MailboxId, e.Id });
        builder.Property(e => e.Direction).HasConversion<string>().HasMaxLength(10);
        builder.Property(e => e.Disposition).HasConversion<string>().HasMaxLength(10);
        builder.Property(e => e.Address).HasMaxLength(254);
        builder.Property(e => e.Subject).HasMaxLength(300);
        builder.Property(e => e.EmlSha256).HasMaxLength(64);
        builder.Property(e => e.ContentHash).HasMaxLength(64);
        builder.Property(e => e.InlineImages).HasMaxLength(10_000).HasConversion(
            v => JsonSerializer.Serialize(v, (JsonSerializerOptions?)null),
            v => JsonSerializer.Deserialize<Dictionary<string, Guid>>(v, (JsonSerializerOptions?)null) ?? new Dictionary<string, Guid>(),
            new ValueComparer<Dictionary<string, Guid>>((a, b) => a!.Count == b!.Count && !a.Except(b).Any(), v => v.Count, v => new Dictionary<string, Guid>(v)));
    }
}
