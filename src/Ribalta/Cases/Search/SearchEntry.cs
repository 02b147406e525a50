using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Ribalta.Cases.Domain;

namespace Ribalta.Cases.Search;

/// <summary>
/// The analysed terms of one message (and, for a case's first message, its subject), written with the message.
/// SQLite indexes it with FTS5, PostgreSQL with a generated tsvector and a GIN index (see the migrations).
/// </summary>
internal sealed class SearchEntry
{
    public long MessageId { get; set; }

    public long CaseId { get; init; }

    public required string Terms { get; init; }

    public Message? Message { get; init; }

    /// <summary>The entry for a new message; its id is filled in when the message is saved with it.</summary>
    public static SearchEntry For(Message message, string? subject = null) => new()
    {
        CaseId = message.CaseId,
        Message = message,
        Terms = Platform.Text.SearchAnalyzer.DocumentTerms(subject is null ? message.Body : $"{subject}\n{message.Body}", message.Language),
    };
}

internal sealed class SearchEntryConfiguration : IEntityTypeConfiguration<SearchEntry>
{
    public void Configure(EntityTypeBuilder<SearchEntry> builder)
    {
        builder.ToTable("search_entries");
        builder.HasKey(e => e.MessageId);
        builder.Property(e => e.MessageId).ValueGeneratedNever();
        builder.HasOne(e => e.Message).WithOne().HasForeignKey<SearchEntry>(e => e.MessageId).OnDelete(DeleteBehavior.Cascade);

        // No index on the case: searches join through the message, and a merge finds a case's entries through its
        // messages. One index less to write with every message.
    }
}
