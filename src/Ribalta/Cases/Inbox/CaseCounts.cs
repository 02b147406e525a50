using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Domain;
using Ribalta.Platform.Data;

namespace Ribalta.Cases.Inbox;

/// <summary>
/// How many cases sit in each (status, owner, department) bucket. Database triggers on <c>cases</c> keep it
/// exact in the same transaction as every insert, update and delete, whoever writes (handlers, bulk loads,
/// merges), so the inbox counts are sums over a table with a few rows per person instead of counts over
/// millions of cases. An empty Guid stands for "nobody" / "no department".
/// </summary>
internal sealed class CaseCount
{
    public required string Status { get; init; }

    public Guid AssigneeKey { get; init; }

    public Guid DepartmentKey { get; init; }

    public long Count { get; init; }
}

internal sealed class CaseCountConfiguration : IEntityTypeConfiguration<CaseCount>
{
    public void Configure(EntityTypeBuilder<CaseCount> builder)
    {
        builder.ToTable("case_counts");
        builder.HasKey(c => new { c.Status, c.AssigneeKey, c.DepartmentKey });
        builder.Property(c => c.Status).HasMaxLength(20);
    }
}

/// <summary>The number of cases in each inbox view, for one person. Overdue depends on the time, so it is counted up to a cap.</summary>
public sealed record InboxCounts(long Mine, long Team, long Unassigned, long WaitingOnUs, long Overdue, bool OverdueCapped, long Open, long Done, long All, long UnseenMentions = 0);

internal sealed class CaseCountReader(RibaltaDbContext db, TimeProvider clock)
{
    /// <summary>Beyond this many overdue cases the view says "1000+": the number no longer changes what anyone does.</summary>
    public const int OverdueCap = 1000;

    private static readonly string[] Active = [nameof(CaseStatus.New), nameof(CaseStatus.Open), nameof(CaseStatus.WaitingOnCustomer), nameof(CaseStatus.WaitingOnUs)];
    private static readonly string[] OnUs = [nameof(CaseStatus.New), nameof(CaseStatus.Open), nameof(CaseStatus.WaitingOnUs)];

    public async Task<InboxCounts> ForAsync(Guid? me, CancellationToken ct)
    {
        var department = me is null ? null : await db.Users.Where(u => u.Id == me).Select(u => u.DepartmentId).FirstOrDefaultAsync(ct);
        var buckets = await db.Set<CaseCount>().AsNoTracking().Where(c => c.Count != 0).ToListAsync(ct);
        var now = clock.GetUtcNow();
        var overdue = await db.Set<Case>().Where(c => c.NextDueAt != null && c.NextDueAt < now).OrderBy(c => c.NextDueAt).Take(OverdueCap + 1).CountAsync(ct);

        long Sum(Func<CaseCount, bool> match) => buckets.Where(match).Sum(b => b.Count);
        return new InboxCounts(
            Mine: me is { } m ? Sum(b => b.AssigneeKey == m && Active.Contains(b.Status)) : 0,
            Team: department is { } d ? Sum(b => b.DepartmentKey == d && Active.Contains(b.Status)) : 0,
            Unassigned: Sum(b => b.AssigneeKey == Guid.Empty && Active.Contains(b.Status)),
            WaitingOnUs: Sum(b => OnUs.Contains(b.Status)),
            Overdue: Math.Min(overdue, OverdueCap),
            OverdueCapped: overdue > OverdueCap,
            Open: Sum(b => Active.Contains(b.Status)),
            Done: Sum(b => !Active.Contains(b.Status)),
            All: Sum(_ => true),
            UnseenMentions: me is { } person ? await db.Set<Mentions.CaseMention>().CountAsync(x => x.StaffId == person && x.SeenAt == null, ct) : 0);
    }
}
