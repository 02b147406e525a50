using Microsoft.EntityFrameworkCore;
using Ribalta.Cases.Domain;
using Ribalta.Platform.Data;
using Ribalta.Platform.Jobs;

namespace Ribalta.Cases.Targets;

/// <summary>
/// Notices targets that fall due while nobody touches the case and records each breach once, as an event, so
/// the overdue view, live screens and later analytics see it. Reads only cases whose next unrecorded due time
/// has passed (an index), a bounded batch at a time.
/// </summary>
internal sealed class TargetMonitor(IServiceScopeFactory scopes, TimeProvider clock) : IJob
{
    private const int Batch = 200;

    public string Name => "cases.record_target_breaches";

    public TimeSpan Interval => TimeSpan.FromSeconds(30);

    public async Task RunAsync(CancellationToken ct)
    {
        while (await CheckAsync(ct) == Batch)
        {
        }
    }

    /// <summary>Records the breaches due by now in one batch; returns how many cases it settled.</summary>
    public async Task<int> CheckAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RibaltaDbContext>();
        var targets = scope.ServiceProvider.GetRequiredService<CaseTargets>();
        var rules = await scope.ServiceProvider.GetRequiredService<TargetRulesCache>().GetAsync(db, ct);
        var now = clock.GetUtcNow();
        var due = await db.Set<Case>().Where(c => c.BreachCheckAt <= now).OrderBy(c => c.BreachCheckAt).Take(Batch).ToListAsync(ct);
        foreach (var @case in due)
        {
            targets.Apply(@case, rules, now);
            @case.Version++;
        }

        try
        {
            await db.SaveChangesAsync(ct);
            return due.Count;
        }
        catch (DbUpdateConcurrencyException)
        {
            // Someone changed one of these cases meanwhile; their write recorded its breaches. Try again next tick.
            return 0;
        }
    }
}
