using System.Globalization;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Contracts.Events;
using Ribalta.Cases.Domain;
using Ribalta.Customers.Contracts;
using Ribalta.Platform.Data;
using Ribalta.Platform.Events;

namespace Ribalta.Cases.Targets;

/// <summary>
/// Keeps a case's due times true after every change: records missed targets as events, picks the targets for its
/// priority and customer segments, and runs or pauses the resolution clock by its status, in its department's hours.
/// </summary>
internal sealed class CaseTargets(RibaltaDbContext db, TargetRulesCache cache, ICustomerDirectory customers, TimeProvider clock)
{
    /// <summary>After a change of status or a first answer: the targets stay, the clocks follow.</summary>
    public async Task SyncAsync(Case @case, DateTimeOffset now, CancellationToken ct)
    {
        var rules = await cache.GetAsync(db, ct);
        Apply(@case, rules, now);
    }

    /// <summary>When the case opens or its priority, department or customer changes: the targets themselves are chosen again.</summary>
    public async Task RetargetAsync(Case @case, DateTimeOffset now, CancellationToken ct)
    {
        var rules = await cache.GetAsync(db, ct);
        var segments = await customers.SegmentIdsAsync(@case.CustomerId, ct);
        RecordBreaches(@case, now);
        var targets = rules.For(@case.Priority, segments);
        @case.SetTargets(targets.FirstResponse, targets.Resolution);
        @case.SyncTargets(rules.CalendarFor(@case.DepartmentId), now);
    }

    public void Apply(Case @case, TargetRules rules, DateTimeOffset now)
    {
        RecordBreaches(@case, now);
        @case.SyncTargets(rules.CalendarFor(@case.DepartmentId), now);
    }

    private void RecordBreaches(Case @case, DateTimeOffset now)
    {
        foreach (var (target, dueAt) in @case.RecordBreaches(now))
        {
            db.Append(clock, Actor.System, new CaseTargetBreached(target, dueAt), "case", @case.Id.ToString(CultureInfo.InvariantCulture), @case.CustomerId);
        }
    }
}
