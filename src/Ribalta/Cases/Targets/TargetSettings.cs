using Microsoft.EntityFrameworkCore;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Contracts.Events;
using Ribalta.Customers.Contracts;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;

namespace Ribalta.Cases.Targets;

public sealed record HolidayDto(DateOnly Date, string Name);

/// <summary>
/// A working calendar. <c>DepartmentId</c> is empty for the organisation's own, which departments without one
/// follow. <c>Hours</c> maps "mon"…"sun" to "09:00-17:00"; a missing day is closed. <c>Configured</c> is false
/// while nobody has set it: then the organisation counts every hour of every day, in UTC.
/// </summary>
public sealed record CalendarDto(Guid? DepartmentId, string? DepartmentName, string TimeZone, IReadOnlyDictionary<string, string> Hours, IReadOnlyList<HolidayDto> Holidays, bool Configured);

public sealed record CalendarInput(string? TimeZone, IReadOnlyDictionary<string, string?>? Hours, IReadOnlyList<HolidayDto>? Holidays);

/// <summary>Working minutes to the first answer and to resolution for a priority, for everyone or one segment (<c>SegmentId</c> null = everyone).</summary>
public sealed record TargetDto(CasePriority Priority, Guid? SegmentId, string? SegmentName, int? FirstResponseMinutes, int? ResolutionMinutes);

public sealed record TargetInput(CasePriority? Priority, Guid? SegmentId, int? FirstResponseMinutes, int? ResolutionMinutes);

/// <summary>Managers set the working calendars and the targets; both apply to new cases and to open cases as they next change.</summary>
internal sealed class TargetSettings(RibaltaDbContext db, ICustomerDirectory customers, TargetRulesCache cache, TimeProvider clock)
{
    public const int HolidayNameMax = 100;
    public const int MaxHolidays = 366;

    /// <summary>A year of working minutes: longer is not a target.</summary>
    public const int MaxMinutes = 525_600;

    public async Task<IReadOnlyList<CalendarDto>> CalendarsAsync(CancellationToken ct)
    {
        var records = await db.Set<CalendarRecord>().AsNoTracking().Include(c => c.Holidays).ToListAsync(ct);
        var departments = await db.Set<Department>().AsNoTracking().OrderBy(d => d.Name).ToListAsync(ct);
        var organisation = records.FirstOrDefault(r => r.DepartmentId == Guid.Empty);
        var list = new List<CalendarDto> { organisation is null ? Unset : ToDto(organisation, null) };
        list.AddRange(departments.Select(d => records.FirstOrDefault(r => r.DepartmentId == d.Id) is { } own
            ? ToDto(own, d.Name)
            : Unset with { DepartmentId = d.Id, DepartmentName = d.Name }));
        return list;
    }

    public async Task<CalendarDto?> CalendarAsync(Guid? departmentId, CancellationToken ct) =>
        (await CalendarsAsync(ct)).FirstOrDefault(c => c.DepartmentId == departmentId);

    public async Task<Result<CalendarDto>> SaveCalendarAsync(Actor actor, Guid? departmentId, CalendarInput input, CancellationToken ct)
    {
        if (departmentId is { } d && !await db.Set<Department>().AnyAsync(x => x.Id == d, ct))
        {
            return Error.NotFound();
        }

        var v = new ValidationBuilder();
        if (string.IsNullOrWhiteSpace(input.TimeZone) || !TimeZoneInfo.TryFindSystemTimeZoneById(input.TimeZone.Trim(), out _))
        {
            v.Add("timeZone", "Validation.TimeZone");
        }

        var week = new Dictionary<DayOfWeek, OpeningHours>();
        foreach (var (key, value) in input.Hours ?? new Dictionary<string, string?>())
        {
            var day = ServiceCalendar.WeekOrder.FirstOrDefault(x => ServiceCalendar.DayKey(x) == key.ToLowerInvariant(), (DayOfWeek)(-1));
            if ((int)day < 0)
            {
                v.Add($"hours.{key}", "Validation.Invalid");
            }
            else if (!string.IsNullOrWhiteSpace(value))
            {
                if (OpeningHours.TryParse(value, out var hours))
                {
                    week[day] = hours;
                }
                else
                {
                    v.Add($"hours.{key}", "Validation.OpeningHours", value);
                }
            }
        }

        if (week.Count == 0 && v.ToError() is null)
        {
            v.Add("hours", "Validation.NoOpenDay");
        }

        var holidays = input.Holidays ?? [];
        if (holidays.Count > MaxHolidays)
        {
            v.Add("holidays", "Validation.TooManyHolidays", MaxHolidays);
        }

        if (holidays.GroupBy(h => h.Date).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            v.Add("holidays", "Validation.HolidayTwice", twice.Key.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        }

        foreach (var holiday in holidays)
        {
            v.Required("holidays", holiday.Name, HolidayNameMax).NoControlCharacters("holidays", holiday.Name);
        }

        if (v.ToError() is { } invalid)
        {
            return invalid;
        }

        var calendarKey = departmentId ?? Guid.Empty;
        var record = await db.Set<CalendarRecord>().Include(c => c.Holidays).FirstOrDefaultAsync(c => c.DepartmentId == calendarKey, ct);
        if (record is null)
        {
            record = new CalendarRecord { DepartmentId = calendarKey, TimeZone = "", Week = "" };
            db.Add(record);
        }

        record.TimeZone = input.TimeZone!.Trim();
        record.Week = ServiceCalendar.FormatWeek(week);
        record.UpdatedAt = clock.GetUtcNow();
        record.Holidays.Clear();
        record.Holidays.AddRange(holidays.Select(h => new HolidayRecord { DepartmentId = calendarKey, Date = h.Date, Name = h.Name.Trim() }));
        db.Append(clock, actor, new CalendarChanged(departmentId, record.TimeZone, record.Week, holidays.Count), "calendar", calendarKey.ToString());
        await db.SaveChangesAsync(ct);
        cache.Invalidate();
        return (await CalendarAsync(departmentId, ct))!;
    }

    /// <summary>A department goes back to following the organisation's calendar.</summary>
    public async Task<Result<bool>> ResetCalendarAsync(Actor actor, Guid departmentId, CancellationToken ct)
    {
        var deleted = await db.Set<CalendarRecord>().Where(c => c.DepartmentId == departmentId && departmentId != Guid.Empty).ExecuteDeleteAsync(ct);
        if (deleted > 0)
        {
            db.Append(clock, actor, new CalendarChanged(departmentId, null, null, null, Reset: true), "calendar", departmentId.ToString());
            await db.SaveChangesAsync(ct);
            cache.Invalidate();
        }

        return true;
    }

    public async Task<IReadOnlyList<TargetDto>> TargetsAsync(CancellationToken ct)
    {
        var targets = await db.Set<TargetRecord>().AsNoTracking().ToListAsync(ct);
        var segments = (await customers.SegmentsAsync(ct)).ToDictionary(s => s.Id, s => s.Name);
        return targets
            .Select(t => new TargetDto(t.Priority, t.SegmentId == Guid.Empty ? null : t.SegmentId, segments.GetValueOrDefault(t.SegmentId), t.FirstResponseMinutes, t.ResolutionMinutes))
            .OrderBy(t => t.SegmentName is null ? 0 : 1).ThenBy(t => t.SegmentName, StringComparer.CurrentCulture).ThenByDescending(t => t.Priority)
            .ToList();
    }

    /// <summary>Replaces the whole table of targets, as the settings page shows it.</summary>
    public async Task<Result<IReadOnlyList<TargetDto>>> SaveTargetsAsync(Actor actor, IReadOnlyList<TargetInput>? input, CancellationToken ct)
    {
        var rows = input ?? [];
        var segments = (await customers.SegmentsAsync(ct)).Select(s => s.Id).ToHashSet();
        var v = new ValidationBuilder();
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            if (row.Priority is not { } priority || !Enum.IsDefined(priority))
            {
                v.Add($"targets[{i}].priority", "Validation.Required");
            }

            if (row.SegmentId is { } segment && !segments.Contains(segment))
            {
                v.Add($"targets[{i}].segmentId", "Validation.SegmentUnknown");
            }

            if (row.FirstResponseMinutes is null && row.ResolutionMinutes is null)
            {
                v.Add($"targets[{i}]", "Validation.TargetEmpty");
            }

            foreach (var (field, minutes) in new[] { ("firstResponseMinutes", row.FirstResponseMinutes), ("resolutionMinutes", row.ResolutionMinutes) })
            {
                if (minutes is < 1 or > MaxMinutes)
                {
                    v.Add($"targets[{i}].{field}", "Validation.TargetMinutes", MaxMinutes);
                }
            }
        }

        if (rows.GroupBy(r => (r.Priority, r.SegmentId)).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            v.Add("targets", "Validation.TargetTwice", twice.Key.Priority?.ToString() ?? "");
        }

        if (v.ToError() is { } invalid)
        {
            return invalid;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Set<TargetRecord>().ExecuteDeleteAsync(ct);
        db.AddRange(rows.Select(r => new TargetRecord { Priority = r.Priority!.Value, SegmentId = r.SegmentId ?? Guid.Empty, FirstResponseMinutes = r.FirstResponseMinutes, ResolutionMinutes = r.ResolutionMinutes }));
        db.Append(clock, actor, new TargetsChanged(rows.Count), "targets", "all");
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        cache.Invalidate();
        return Result<IReadOnlyList<TargetDto>>.Success(await TargetsAsync(ct));
    }

    private static readonly CalendarDto Unset = new(null, null, "UTC", ServiceCalendar.WeekOrder.ToDictionary(ServiceCalendar.DayKey, _ => OpeningHours.AllDay.ToString()), [], false);

    private static CalendarDto ToDto(CalendarRecord record, string? departmentName)
    {
        ServiceCalendar.TryParseWeek(record.Week, out var week);
        return new CalendarDto(
            record.DepartmentId == Guid.Empty ? null : record.DepartmentId,
            departmentName,
            record.TimeZone,
            ServiceCalendar.WeekOrder.Where(week.ContainsKey).ToDictionary(ServiceCalendar.DayKey, d => week[d].ToString()),
            record.Holidays.OrderBy(h => h.Date).Select(h => new HolidayDto(h.Date, h.Name)).ToList(),
            true);
    }
}
