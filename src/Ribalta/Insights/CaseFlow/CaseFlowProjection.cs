using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Contracts.Events;
using Ribalta.Platform.Data;
using Ribalta.Platform.Events;
using Ribalta.Platform.Projections;

namespace Ribalta.Insights.CaseFlow;

/// <summary>
/// Daily case flow per team (department) and channel, from the event log: cases opened, first answers and first
/// resolutions with their times from opening, reopenings. A case counts where it was when it happened: opened for the
/// team it opened with, answered and solved for the team it had then. Days are the organisation calendar's (its time
/// zone as the log last set it; UTC before any). Times are elapsed time, not working hours: those are the targets'.
/// </summary>
internal sealed class CaseFlowProjection : IProjection
{
    public const string ProjectionName = "insights.case_flow";

    public string Name => ProjectionName;

    public IReadOnlySet<string> Reads { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        CaseOpened.Type, CaseReplied.Type, CaseStatusChanged.Type, CaseReopened.Type, CaseUpdated.Type, CalendarChanged.Type,
    };

    public IReadOnlyList<Type> Tables { get; } = [typeof(CaseFlowCase), typeof(CaseFlowDay), typeof(CaseFlowZone)];

    public async Task HandleAsync(RibaltaDbContext db, IReadOnlyList<EventRecord> events, CancellationToken ct)
    {
        var ids = new HashSet<long>();
        foreach (var record in events)
        {
            if (record.SubjectType == "case" && long.TryParse(record.SubjectId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                ids.Add(id);
            }
        }

        var cases = ids.Count == 0 ? [] : await db.Set<CaseFlowCase>().Where(c => ids.Contains(c.CaseId)).ToDictionaryAsync(c => c.CaseId, ct);
        var zoneRow = await db.Set<CaseFlowZone>().SingleOrDefaultAsync(ct);
        var zone = Zone(zoneRow?.TimeZone);
        // Every day row the batch can touch, whatever the zone (a day either side of its events' UTC dates).
        var first = DateOnly.FromDateTime(events.Min(e => e.OccurredAt).UtcDateTime).AddDays(-1);
        var last = DateOnly.FromDateTime(events.Max(e => e.OccurredAt).UtcDateTime).AddDays(1);

        var days = await db.Set<CaseFlowDay>().Where(d => d.Day >= first && d.Day <= last)
            .ToDictionaryAsync(d => (d.Day, d.TeamId, d.Channel), ct);

        foreach (var record in events)
        {
            if (record.Type == CalendarChanged.Type)
            {
                var calendar = record.Read<CalendarChanged>();
                if (calendar.DepartmentId is null && calendar.TimeZone is { } timeZone && TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var found))
                {
                    zone = found;
                    if (zoneRow is null)
                    {
                        db.Add(zoneRow = new CaseFlowZone { TimeZone = timeZone });
                    }
                    else
                    {
                        zoneRow.TimeZone = timeZone;
                    }
                }

                continue;
            }

            if (record.SubjectType != "case" || !long.TryParse(record.SubjectId, NumberStyles.None, CultureInfo.InvariantCulture, out var caseId))
            {
                continue;
            }

            if (record.Type == CaseOpened.Type)
            {
                if (cases.ContainsKey(caseId))
                {
                    continue;
                }

                var opened = record.Read<CaseOpened>();
                var flow = new CaseFlowCase { CaseId = caseId, OpenedAt = record.OccurredAt, Channel = opened.Channel, DepartmentId = opened.DepartmentId, LastEventId = record.Id };
                cases[caseId] = flow;
                db.Add(flow);
                Day(db, days, zone, record.OccurredAt, flow).Opened++;
                continue;
            }

            // A case opened before the log began (or an event already applied) changes nothing.
            if (!cases.TryGetValue(caseId, out var @case) || record.Id <= @case.LastEventId)
            {
                continue;
            }

            @case.LastEventId = record.Id;
            if (record.Type == CaseReplied.Type)
            {
                if (@case.FirstAnsweredAt is null)
                {
                    @case.FirstAnsweredAt = record.OccurredAt;
                    var day = Day(db, days, zone, record.OccurredAt, @case);
                    day.Answered++;
                    day.AnswerSeconds += Seconds(@case.OpenedAt, record.OccurredAt);
                }
            }
            else if (record.Type == CaseStatusChanged.Type)
            {
                var change = record.Read<CaseStatusChanged>();
                if (@case.SolvedAt is null && change.MergedInto is null && change.After is CaseStatus.Solved or CaseStatus.Closed)
                {
                    @case.SolvedAt = record.OccurredAt;
                    var day = Day(db, days, zone, record.OccurredAt, @case);
                    day.Solved++;
                    day.ResolutionSeconds += Seconds(@case.OpenedAt, record.OccurredAt);
                }
            }
            else if (record.Type == CaseReopened.Type)
            {
                Day(db, days, zone, record.OccurredAt, @case).Reopened++;
            }
            else if (record.Type == CaseUpdated.Type)
            {
                var update = record.Read<CaseUpdated>();
                if (update.Fields.Contains("department", StringComparer.Ordinal))
                {
                    @case.DepartmentId = update.DepartmentId;
                }
            }
        }
    }

    /// <summary>The day row for the case's team and channel on the day of <paramref name="at"/> (added when the batch has none).</summary>
    private static CaseFlowDay Day(RibaltaDbContext db, Dictionary<(DateOnly, Guid, Channel), CaseFlowDay> days, TimeZoneInfo zone, DateTimeOffset at, CaseFlowCase @case)
    {
        var key = (DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime), @case.DepartmentId ?? Guid.Empty, @case.Channel);
        if (days.TryGetValue(key, out var day))
        {
            return day;
        }

        day = new CaseFlowDay { Day = key.Item1, TeamId = key.Item2, Channel = key.Item3 };
        db.Add(day);
        days[key] = day;
        return day;
    }

    private static long Seconds(DateTimeOffset from, DateTimeOffset to) => Math.Max(0, (long)(to - from).TotalSeconds);

    private static TimeZoneInfo Zone(string? id) =>
        id is not null && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
}
