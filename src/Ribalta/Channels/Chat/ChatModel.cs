using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Ribalta.Cases.Contracts;

namespace Ribalta.Channels.Chat;

/// <summary>
/// A chat widget a company embeds on its sites: the public key the snippet carries, the sites (origins) allowed to
/// embed it, where its chats go (a department) and the mailbox a chat continues from when the visitor leaves.
/// </summary>
internal sealed class ChatWidget
{
    public const int NameMax = 100;
    public const int OriginMax = 200;
    public const int MaxOrigins = 50;
    public const int GreetingMax = 300;

    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>Public, not a secret: it names the widget in the snippet. Who may use it is decided by the origin.</summary>
    public required string Key { get; init; }

    public required string Name { get; set; }

    public bool Enabled { get; set; } = true;

    /// <summary>Normalised origins ("https://shop.example.com"); a site not listed cannot open a chat from a browser.</summary>
    public List<string> AllowedOrigins { get; set; } = [];

    public Guid? DepartmentId { get; set; }

    /// <summary>The mailbox replies go out from once the chat continues by email; the first that can send when empty.</summary>
    public Guid? MailboxId { get; set; }

    /// <summary>The first words a visitor sees, per language; the built-in greeting where one is missing.</summary>
    public Dictionary<string, string> Greetings { get; set; } = [];

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }
}

public enum ChatEndedBy
{
    Visitor,
    Staff,
}

/// <summary>
/// One visitor's chat: the case it is, and the visitor's resume token (only its hash) so a reload or a second tab
/// finds the conversation again. When the visitor has gone, replies continue by email to the address they left.
/// </summary>
internal sealed class ChatSession
{
    public long Id { get; private set; }

    public Guid WidgetId { get; init; }

    public long CaseId { get; init; }

    public Guid CustomerId { get; init; }

    public required string TokenHash { get; init; }

    public required string VisitorName { get; set; }

    /// <summary>Given by the visitor (not verified): where the conversation continues by email.</summary>
    public string? VisitorEmail { get; set; }

    public string? Language { get; set; }

    /// <summary>The page the chat was started from, as the visitor's browser reported it.</summary>
    public string? PageUrl { get; init; }

    public required string Origin { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset LastActivityAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    public ChatEndedBy? EndedBy { get; set; }

    /// <summary>The visitor asked to go on by email: from then on replies are mailed, whether or not they are still here.</summary>
    public bool ContinueByEmail { get; set; }
}

internal sealed class ChatConfiguration : IEntityTypeConfiguration<ChatWidget>, IEntityTypeConfiguration<ChatSession>
{
    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public void Configure(EntityTypeBuilder<ChatWidget> builder)
    {
        builder.ToTable("chat_widgets");
        builder.HasKey(w => w.Id);
        builder.Property(w => w.Key).HasMaxLength(32);
        builder.HasIndex(w => w.Key).IsUnique();
        builder.Property(w => w.Name).HasMaxLength(ChatWidget.NameMax);
        builder.Property(w => w.AllowedOrigins).HasMaxLength(12_000).HasConversion(
            v => JsonSerializer.Serialize(v, Readable),
            v => JsonSerializer.Deserialize<List<string>>(v, Readable) ?? new List<string>(),
            new ValueComparer<List<string>>((a, b) => a!.SequenceEqual(b!), v => v.Count, v => v.ToList()));
        builder.Property(w => w.Greetings).HasMaxLength(8_000).HasConversion(
            v => JsonSerializer.Serialize(v, Readable),
            v => JsonSerializer.Deserialize<Dictionary<string, string>>(v, Readable) ?? new Dictionary<string, string>(),
            new ValueComparer<Dictionary<string, string>>((a, b) => a!.Count == b!.Count && !a.Except(b).Any(), v => v.Count, v => new Dictionary<string, string>(v)));
    }

    public void Configure(EntityTypeBuilder<ChatSession> builder)
    {
        builder.ToTable("chat_sessions");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.TokenHash).HasMaxLength(64);
        builder.HasIndex(s => s.TokenHash).IsUnique();
        builder.HasIndex(s => s.CaseId).IsUnique();
        builder.HasIndex(s => new { s.WidgetId, s.Id });
        builder.Property(s => s.VisitorName).HasMaxLength(200);
        builder.Property(s => s.VisitorEmail).HasMaxLength(254);
        builder.Property(s => s.Language).HasMaxLength(8);
        builder.Property(s => s.PageUrl).HasMaxLength(1000);
        builder.Property(s => s.Origin).HasMaxLength(ChatWidget.OriginMax);
        builder.Property(s => s.EndedBy).HasConversion<string>().HasMaxLength(10);
        builder.HasOne<ChatWidget>().WithMany().HasForeignKey(s => s.WidgetId).OnDelete(DeleteBehavior.Restrict);
        builder.ReferencesCase(s => s.CaseId, DeleteBehavior.Cascade);
    }
}
