using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Ribalta.Cases.Domain;
using Ribalta.Platform.Data;
using Ribalta.Platform.Text;

namespace Ribalta.Cases.Mentions;

/// <summary>
/// Someone was @mentioned in an internal note on a case: one row per person and case, brought back to "unseen"
/// by each new mention and marked seen when they open the case.
/// </summary>
internal sealed class CaseMention
{
    public long Id { get; private set; }

    public long CaseId { get; init; }

    public Guid StaffId { get; init; }

    public DateTimeOffset MentionedAt { get; set; }

    public DateTimeOffset? SeenAt { get; set; }

    public string? MentionedBy { get; set; }
}

internal sealed class CaseMentionConfiguration : IEntityTypeConfiguration<CaseMention>
{
    public void Configure(EntityTypeBuilder<CaseMention> builder)
    {
        builder.ToTable("case_mentions");
        builder.Property(m => m.Id).ValueGeneratedOnAdd();
        builder.Property(m => m.MentionedBy).HasMaxLength(200);
        builder.HasOne<Case>().WithMany().HasForeignKey(m => m.CaseId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(m => new { m.StaffId, m.CaseId }).IsUnique();
        builder.HasIndex(m => new { m.StaffId, m.MentionedAt, m.CaseId });
        builder.HasIndex(m => new { m.StaffId, m.SeenAt });
    }
}

/// <summary>A member of staff as a note can name them: "@Ana Ruiz" or "@ana" (the part of their email before the @).</summary>
public sealed record Mentionable(Guid Id, string DisplayName, string Handle);

internal static class MentionParser
{
    /// <summary>The people a note mentions, matched by "@" + display name or handle, ignoring case and accents.</summary>
    public static IReadOnlyList<Guid> Find(string body, IEnumerable<Mentionable> staff)
    {
        if (!body.Contains('@', StringComparison.Ordinal))
        {
            return [];
        }

        var folded = TextFolding.Fold(body);
        var found = new List<Guid>();
        foreach (var person in staff)
        {
            if (Names(person).Any(name => Mentions(folded, TextFolding.Fold(name))))
            {
                found.Add(person.Id);
            }
        }

        return found;
    }

    private static IEnumerable<string> Names(Mentionable person) => [person.DisplayName, person.Handle];

    /// <summary>"@name" standing alone: not inside an email address, not the start of a longer word.</summary>
    private static bool Mentions(string text, string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        for (var at = text.IndexOf('@' + name, StringComparison.Ordinal); at >= 0; at = text.IndexOf('@' + name, at + 1, StringComparison.Ordinal))
        {
            var before = at == 0 ? ' ' : text[at - 1];
            var after = at + 1 + name.Length < text.Length ? text[at + 1 + name.Length] : ' ';
            if (!char.IsLetterOrDigit(before) && !char.IsLetterOrDigit(after) && after != '@')
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Reads and settles mentions for the person they are addressed to.</summary>
internal sealed class MentionInbox(RibaltaDbContext db, TimeProvider clock)
{
    public async Task<IReadOnlyList<Mentionable>> MentionableAsync(CancellationToken ct) =>
        (await db.Users.AsNoTracking().Where(u => u.IsActive).OrderBy(u => u.DisplayName).Take(2000)
            .Select(u => new { u.Id, u.DisplayName, u.Email }).ToListAsync(ct))
            .Select(u => new Mentionable(u.Id, u.DisplayName, (u.Email ?? "").Split('@')[0]))
            .ToList();

    /// <summary>Opening the case is seeing what one was called in for.</summary>
    public Task<int> MarkSeenAsync(Guid staffId, long caseId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return db.Set<CaseMention>().Where(m => m.StaffId == staffId && m.CaseId == caseId && m.SeenAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.SeenAt, now), ct);
    }
}
