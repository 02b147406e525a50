using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

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

internal sealed class MailboxConfiguration : IEntityTypeConfiguration<Mailbox>
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
}
