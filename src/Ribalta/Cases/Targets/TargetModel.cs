using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Ribalta.Cases.Contracts;

namespace Ribalta.Cases.Targets;

/// <summary>The working calendar of a department, or of the whole organisation when <see cref="DepartmentId"/> is empty.</summary>
internal sealed class CalendarRecord
{
    public Guid DepartmentId { get; init; }

    public required string TimeZone { get; set; }

    /// <summary>"mon=09:00-17:00;tue=…" (see <see cref="ServiceCalendar.FormatWeek"/>).</summary>
    public required string Week { get; set; }

    public List<HolidayRecord> Holidays { get; init; } = [];

    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class HolidayRecord
{
    public Guid DepartmentId { get; init; }

    public DateOnly Date { get; init; }

    public required string Name { get; set; }
}

/// <summary>
/// How soon a case of a priority, for customers of a segment (or anyone when <see cref="SegmentId"/> is empty),
/// gets its first answer and its resolution, in working minutes. Either may be absent.
/// </summary>
internal sealed class TargetRecord
{
    public CasePriority Priority { get; init; }

    public Guid SegmentId { get; init; }

    public int? FirstResponseMinutes { get; set; }

    public int? ResolutionMinutes { get; set; }
}

internal sealed class CalendarConfiguration : IEntityTypeConfiguration<CalendarRecord>
{
    public void Configure(EntityTypeBuilder<CalendarRecord> builder)
    {
        builder.ToTable("service_calendars");
        builder.HasKey(c => c.DepartmentId);
        builder.Property(c => c.DepartmentId).ValueGeneratedNever();
        builder.Property(c => c.TimeZone).HasMaxLength(64);
        builder.Property(c => c.Week).HasMaxLength(200);
        builder.HasMany(c => c.Holidays).WithOne().HasForeignKey(h => h.DepartmentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class HolidayConfiguration : IEntityTypeConfiguration<HolidayRecord>
{
    public void Configure(EntityTypeBuilder<HolidayRecord> builder)
    {
        builder.ToTable("service_holidays");
        builder.HasKey(h => new { h.DepartmentId, h.Date });
        builder.Property(h => h.Name).HasMaxLength(TargetSettings.HolidayNameMax);
    }
}

internal sealed class TargetConfiguration : IEntityTypeConfiguration<TargetRecord>
{
    public void Configure(EntityTypeBuilder<TargetRecord> builder)
    {
        builder.ToTable("case_targets");
        builder.HasKey(t => new { t.Priority, t.SegmentId });
        builder.Property(t => t.Priority).HasConversion<string>().HasMaxLength(10);
    }
}

/// <summary>Target minutes for one case: the shortest that applies to it.</summary>
public readonly record struct TargetMinutes(int? FirstResponse, int? Resolution);

/// <summary>The calendars and targets in force, read once and shared until they change.</summary>
internal sealed class TargetRules(IReadOnlyDictionary<Guid, ServiceCalendar> calendars, IReadOnlyList<TargetRecord> targets)
{
    public static readonly TargetRules None = new(new Dictionary<Guid, ServiceCalendar>(), []);

    public ServiceCalendar CalendarFor(Guid? departmentId) =>
        departmentId is { } d && calendars.TryGetValue(d, out var own) ? own
        : calendars.TryGetValue(Guid.Empty, out var organisation) ? organisation
        : ServiceCalendar.AlwaysOpen;

    /// <summary>
    /// Targets for a priority and the customer's segments: a segment's own targets win over the general ones, and
    /// when a customer is in several segments with targets the shortest applies.
    /// </summary>
    public TargetMinutes For(CasePriority priority, IReadOnlyCollection<Guid> segments)
    {
        var own = targets.Where(t => t.Priority == priority && t.SegmentId != Guid.Empty && segments.Contains(t.SegmentId)).ToList();
        var general = targets.FirstOrDefault(t => t.Priority == priority && t.SegmentId == Guid.Empty);
        return new TargetMinutes(
            own.Select(t => t.FirstResponseMinutes).Where(m => m is not null).Min() ?? general?.FirstResponseMinutes,
            own.Select(t => t.ResolutionMinutes).Where(m => m is not null).Min() ?? general?.ResolutionMinutes);
    }
}

/// <summary>Keeps the rules in memory: every write to a case needs them, and they change a few times a year.</summary>
internal sealed class TargetRulesCache(TimeProvider clock)
{
    // Another node's change reaches this one within a minute; this node's own changes at once.
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);

    // A reference, swapped whole: readers on other threads see an old snapshot or a new one, never half of each.
    private volatile Snapshot? _current;

    public void Invalidate() => _current = null;

    public async Task<TargetRules> GetAsync(Platform.Data.RibaltaDbContext db, CancellationToken ct)
    {
        if (_current is { } current && clock.GetUtcNow() - current.LoadedAt < MaxAge)
        {
            return current.Rules;
        }

        var loadedAt = clock.GetUtcNow();
        var records = await db.Set<CalendarRecord>().AsNoTracking().Include(c => c.Holidays).ToListAsync(ct);
        var targets = await db.Set<TargetRecord>().AsNoTracking().ToListAsync(ct);
        var calendars = new Dictionary<Guid, ServiceCalendar>();
        foreach (var record in records)
        {
            if (TimeZoneInfo.TryFindSystemTimeZoneById(record.TimeZone, out var zone) && ServiceCalendar.TryParseWeek(record.Week, out var week))
            {
                calendars[record.DepartmentId] = new ServiceCalendar(zone, week, record.Holidays.Select(h => h.Date));
            }
        }

        var rules = new TargetRules(calendars, targets);
        _current = new Snapshot(rules, loadedAt);
        return rules;
    }

    private sealed record Snapshot(TargetRules Rules, DateTimeOffset LoadedAt);
}
