using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Ribalta.Empowerment.Data;
using Ribalta.Platform.Data;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Localization;

namespace Ribalta.Empowerment.Promises;

/// <summary>The keeping rate: promises due, kept on time, kept late and broken, per agent, team, department or kind, and per week.</summary>
internal sealed class PromiseReport(RibaltaDbContext db, IStringLocalizer<Strings> localizer, IOptions<EmpowermentOptions> options, TimeProvider clock)
{
    public static readonly string[] ReportBy = ["agent", "team", "department", "kind"];

    /// <summary>
    /// The keeping rate over promises due in [from, to) (and by now), not released: kept on time ÷ due, per
    /// <paramref name="by"/> (agent, team, department or kind) and per week.
    /// </summary>
    public async Task<PromiseReportDto> ReportAsync(DateTimeOffset from, DateTimeOffset to, string by, CancellationToken ct)
    {
        var until = clock.GetUtcNow() < to ? clock.GetUtcNow() : to;
        var rows = await db.Set<CustomerPromise>().AsNoTracking()
            .Where(p => p.DueAt >= from && p.DueAt < until && p.Status != PromiseStatus.Released)
            .OrderBy(p => p.DueAt)
            .Select(p => new { p.DueAt, p.KeptAt, p.OwnerId, p.OwnerName, p.TeamId, p.DepartmentId, p.Kind })
            .Take(500_000).ToListAsync(ct);
        var departments = await db.Set<Department>().AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Name, ct);
        string DepartmentName(Guid? id) => id is { } d ? departments.GetValueOrDefault(d) ?? "" : "";
        var groups = by switch
        {
            "team" => rows.GroupBy(r => (Key: r.TeamId?.ToString() ?? "", Name: DepartmentName(r.TeamId))),
            "department" => rows.GroupBy(r => (Key: r.DepartmentId?.ToString() ?? "", Name: DepartmentName(r.DepartmentId))),
            "kind" => rows.GroupBy(r => (Key: r.Kind.ToString(), Name: localizer[$"Promise.Kind.{r.Kind}"].Value)),
            _ => rows.GroupBy(r => (Key: r.OwnerId.ToString(), Name: r.OwnerName)),
        };
        static double? Rate(int kept, int due) => due == 0 ? null : Math.Round((double)kept / due, 3);
        var result = groups.Select(g =>
        {
            var onTime = g.Count(r => r.KeptAt <= r.DueAt);
            var late = g.Count(r => r.KeptAt > r.DueAt);
            return new PromiseRateRow(g.Key.Key, g.Key.Name, g.Count(), onTime, late, g.Count() - onTime, Rate(onTime, g.Count()));
        }).OrderBy(r => r.Rate ?? 1).ThenByDescending(r => r.Due).ToList();

        // Weeks begin on Monday, in the organisation's time zone.
        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);
        DateOnly WeekOf(DateTimeOffset at)
        {
            var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);
            return day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
        }

        var weeks = rows.GroupBy(r => WeekOf(r.DueAt)).OrderBy(g => g.Key)
            .Select(g => new PromiseWeek(g.Key, g.Count(), g.Count(r => r.KeptAt <= r.DueAt), Rate(g.Count(r => r.KeptAt <= r.DueAt), g.Count()))).ToList();
        var keptOnTime = rows.Count(r => r.KeptAt <= r.DueAt);
        return new PromiseReportDto(by, result, weeks, rows.Count, keptOnTime, Rate(keptOnTime, rows.Count));
    }
}
