using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Ribalta.Cases.Contracts;

namespace Ribalta.Channels.Email;

public enum MailProtocol
{
    Imap,
    Pop3,
}

/// <summary>How a mail connection is protected. <c>None</c> is accepted only for a server on this machine (loopback).</summary>
public enum MailSecurity
{
    /// <summary>TLS from the first byte (IMAPS 993, POP3S 995, SMTPS 465).</summary>
    Tls,

    /// <summary>Plain connection upgraded with STARTTLS before anything is sent (IMAP 143, SMTP 587).</summary>
    StartTls,

    None,
}

/// <summary>What happens on the server to a message once it is safely stored here.</summary>
public enum AfterImport
{
    MarkSeen,
    Delete,
}

/// <summary>
/// A support address: where customers' mail is fetched from (IMAP or POP3) and how replies go out (SMTP), with the
/// name and signature (per language) replies carry. Passwords are protected with ASP.NET Core Data Protection.
/// </summary>
internal sealed class Mailbox
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required string Name { get; set; }

    /// <summary>The address customers write to and replies come from.</summary>
    public required string Address { get; set; }

    public required string SenderName { get; set; }

    public bool Enabled { get; set; } = true;

    /// <summary>Sends what belongs to no conversation yet (sign-in links, notes on portal and phone cases); one at most.</summary>
    public bool IsDefault { get; set; }

    /// <summary>Where new cases from this address start; empty: the organisation's department for new requests.</summary>
    public Guid? DepartmentId { get; set; }

    public MailProtocol InboundProtocol { get; set; }

    public required string InboundHost { get; set; }

    public int InboundPort { get; set; }

    public MailSecurity InboundSecurity { get; set; }

    public required string InboundUser { get; set; }

    public string? ProtectedInboundPassword { get; set; }

    public string Folder { get; set; } = "INBOX";

    public AfterImport AfterImport { get; set; }

    public int PollSeconds { get; set; } = 60;

    public string? SmtpHost { get; set; }

    public int SmtpPort { get; set; }

    public MailSecurity SmtpSecurity { get; set; }

    public string? SmtpUser { get; set; }

    public string? ProtectedSmtpPassword { get; set; }

    /// <summary>Signature text per language code ("en", "it", "es", "ar").</summary>
    public Dictionary<string, string> Signatures { get; set; } = [];

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? LastPolledAt { get; set; }

    /// <summary>Why the last check failed; empty when it worked.</summary>
    public string? LastError { get; set; }

    public long ImportedCount { get; set; }

    public bool CanSend => !string.IsNullOrEmpty(SmtpHost) && SmtpPort > 0;

    public string SignatureFor(string? language) =>
        Signatures.GetValueOrDefault(language ?? "") is { Length: > 0 } own ? own : Signatures.GetValueOrDefault("en") ?? "";
}

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

internal sealed class EmailConfigurations : IEntityTypeConfiguration<Mailbox>, IEntityTypeConfiguration<EmailRecord>, IEntityTypeConfiguration<OutboundEmail>
{
    // Arabic, Italian and Spanish signatures as written, not six-character escapes, so they fit their column.
    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public void Configure(EntityTypeBuilder<Mailbox> builder)
    {
        builder.ToTable("mailboxes");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Name).HasMaxLength(100);
        builder.Property(m => m.Address).HasMaxLength(254);
        builder.HasIndex(m => m.Address).IsUnique();
        builder.HasOne<Platform.Identity.Department>().WithMany().HasForeignKey(m => m.DepartmentId).OnDelete(DeleteBehavior.SetNull);
        builder.Property(m => m.SenderName).HasMaxLength(100);
        builder.Property(m => m.InboundProtocol).HasConversion<string>().HasMaxLength(10);
        builder.Property(m => m.InboundSecurity).HasConversion<string>().HasMaxLength(10);
        builder.Property(m => m.SmtpSecurity).HasConversion<string>().HasMaxLength(10);
        builder.Property(m => m.AfterImport).HasConversion<string>().HasMaxLength(10);
        builder.Property(m => m.InboundHost).HasMaxLength(253);
        builder.Property(m => m.SmtpHost).HasMaxLength(253);
        builder.Property(m => m.InboundUser).HasMaxLength(254);
        builder.Property(m => m.SmtpUser).HasMaxLength(254);
        builder.Property(m => m.ProtectedInboundPassword).HasMaxLength(2000);
        builder.Property(m => m.ProtectedSmtpPassword).HasMaxLength(2000);
        builder.Property(m => m.Folder).HasMaxLength(200);
        builder.Property(m => m.LastError).HasMaxLength(500);
        builder.Property(m => m.Signatures).HasMaxLength(20_000).HasConversion(
            v => JsonSerializer.Serialize(v, Readable),
            v => JsonSerializer.Deserialize<Dictionary<string, string>>(v, Readable) ?? new Dictionary<string, string>(),
            new ValueComparer<Dictionary<string, string>>((a, b) => a!.Count == b!.Count && !a.Except(b).Any(), v => v.Count, v => new Dictionary<string, string>(v)));
        builder.Ignore(m => m.CanSend);
    }

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
