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

    /// <summary>Case rows change by the million in a catch-up: written without the change tracker (the model is the same for every context).</summary>
    private RowWriter<CaseFlowCase>? _cases;

    public async Task HandleAsync(RibaltaDbContext db, IReadOnlyList<EventRecord> events, CancellationToken ct)
    {
        // What each event could change, read once; events that cannot change anything (a status other than solved or
        // closed, an update that leaves the department) are dropped before any case is looked up.
        var steps = new List<(EventRecord Record, long CaseId, object? Data)>(events.Count);
        var ids = new HashSet<long>();
        foreach (var record in events)
        {
            if (record.Type == CalendarChanged.Type)
            {
                steps.Add((record, 0, record.Read<CalendarChanged>()));
                continue;
            }

            if (record.SubjectType != "case" || !long.TryParse(record.SubjectId, NumberStyles.None, CultureInfo.InvariantCulture, out var caseId))
            {
                continue;
            }

            // Replies and reopenings need only the record; the other types are read, and dropped when they change nothing.
            var bare = record.Type == CaseReplied.Type || record.Type == CaseReopened.Type;
            object? data = bare ? null
                : record.Type == CaseOpened.Type ? record.Read<CaseOpened>()
                : record.Type == CaseStatusChanged.Type ? record.Read<CaseStatusChanged>() is { MergedInto: null, After: CaseStatus.Solved or CaseStatus.Closed } solved ? solved : null
                : record.Type == CaseUpdated.Type && record.Read<CaseUpdated>() is var update && update.Fields.Contains("department", StringComparer.Ordinal) ? update : null;
            if (data is null && !bare)
            {
                continue;
            }

            steps.Add((record, caseId, data));
            ids.Add(caseId);
        }

        if (steps.Count == 0)
        {
            return;
        }

        // Read without tracking: only the rows that change are written back.
        var cases = ids.Count == 0 ? [] : await db.Set<CaseFlowCase>().AsNoTracking().Where(c => ids.Contains(c.CaseId)).ToDictionaryAsync(c => c.CaseId, ct);
        var changed = new HashSet<CaseFlowCase>(ReferenceEqualityComparer.Instance);
        var added = new HashSet<CaseFlowCase>(ReferenceEqualityComparer.Instance);
        var zoneRow = await db.Set<CaseFlowZone>().SingleOrDefaultAsync(ct);
        var zone = Zone(zoneRow?.TimeZone);

        // Every day row the batch can touch, whatever the zone (a day either side of its events' UTC dates).
        var first = DateOnly.FromDateTime(steps.Min(e => e.Record.OccurredAt).UtcDateTime).AddDays(-1);
        var last = DateOnly.FromDateTime(steps.Max(e => e.Record.OccurredAt).UtcDateTime).AddDays(1);
        var days = await db.Set<CaseFlowDay>().Where(d => d.Day >= first && d.Day <= last)
            .ToDictionaryAsync(d => (d.Day, d.TeamId, d.Channel), ct);

        foreach (var (record, caseId, data) in steps)
        {
            if (data is CalendarChanged calendar)
            {
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

            if (data is CaseOpened opened)
            {
                if (!cases.ContainsKey(caseId))
                {
                    var flow = new CaseFlowCase { CaseId = caseId, OpenedAt = record.OccurredAt, Channel = opened.Channel, DepartmentId = opened.DepartmentId, LastEventId = record.Id };
                    cases[caseId] = flow;
                    added.Add(flow);
                    Day(db, days, zone, record.OccurredAt, flow).Opened++;
                }

                continue;
            }

            // A case opened before the log began (or a change already applied) changes nothing. Each event is handled
            // once anyway (the cursor moves in this transaction); the row's last event id guards its changes besides.
            if (!cases.TryGetValue(caseId, out var @case) || record.Id <= @case.LastEventId)
            {
                continue;
            }

            switch (data)
            {
                case null when record.Type == CaseReplied.Type:
                    if (@case.FirstAnsweredAt is null)
                    {
                        @case.FirstAnsweredAt = record.OccurredAt;
                        Changed(@case, record.Id);
                        var day = Day(db, days, zone, record.OccurredAt, @case);
                        day.Answered++;
                        day.AnswerSeconds += Seconds(@case.OpenedAt, record.OccurredAt);
                    }

                    break;
                case null:
                    Day(db, days, zone, record.OccurredAt, @case).Reopened++;
                    break;
                case CaseStatusChanged when @case.SolvedAt is null:
                {
                    @case.SolvedAt = record.OccurredAt;
                    Changed(@case, record.Id);
                    var day = Day(db, days, zone, record.OccurredAt, @case);
                    day.Solved++;
                    day.ResolutionSeconds += Seconds(@case.OpenedAt, record.OccurredAt);
                    break;
                }

                case CaseUpdated update when @case.DepartmentId != update.DepartmentId:
                    @case.DepartmentId = update.DepartmentId;
                    Changed(@case, record.Id);
                    break;
            }
        }

        changed.ExceptWith(added);
        await (_cases ??= new RowWriter<CaseFlowCase>(db)).WriteAsync(db, added, changed, ct);

        void Changed(CaseFlowCase @case, long eventId)
        {
            @case.LastEventId = eventId;
            changed.Add(@case);
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
