using Microsoft.EntityFrameworkCore;
using Ribalta.Platform.Contracts.Events;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;

namespace Ribalta.Platform.Jobs;

/// <summary>A job as administrators see it: its schedule, whether it runs now and where, and how its runs went.</summary>
public sealed record JobDto(
    string Name,
    int IntervalSeconds,
    DateTimeOffset? NextRunAt,
    bool Running,
    string? Holder,
    DateTimeOffset? LastStartedAt,
    DateTimeOffset? LastFinishedAt,
    DateTimeOffset? LastSucceededAt,
    string? LastError,
    int Runs,
    int Failures,
    int FailuresInARow);

/// <summary>The background jobs, for administrators: what they are, how they went, and "run now".</summary>
internal sealed class JobBoard(RibaltaDbContext db, JobRunner runner, JobSignal signal, TimeProvider clock)
{
    public async Task<IReadOnlyList<JobDto>> ListAsync(CancellationToken ct)
    {
        var rows = await db.Set<JobRun>().AsNoTracking().ToDictionaryAsync(j => j.Name, StringComparer.Ordinal, ct);
        var now = clock.GetUtcNow();
        return runner.Jobs.OrderBy(j => j.Name, StringComparer.Ordinal).Select(job => rows.TryGetValue(job.Name, out var row)
                ? new JobDto(job.Name, (int)job.Interval.TotalSeconds, row.NextRunAt, row.Holder is not null && row.LeasedUntil > now, row.Holder, row.LastStartedAt, row.LastFinishedAt, row.LastSucceededAt, row.LastError, row.Runs, row.Failures, row.FailuresInARow)
                : new JobDto(job.Name, (int)job.Interval.TotalSeconds, null, false, null, null, null, null, null, 0, 0, 0))
            .ToList();
    }

    /// <summary>Makes the job due now; the runner starts it within a second unless it is running already.</summary>
    public async Task<Result<JobDto>> RunNowAsync(Actor actor, string name, CancellationToken ct)
    {
        if (runner.Jobs.All(j => j.Name != name))
        {
            return Error.NotFound("Error.JobNotFound");
        }

        var now = clock.GetUtcNow();
        var row = await db.Set<JobRun>().SingleOrDefaultAsync(j => j.Name == name, ct);
        if (row is null)
        {
            db.Add(row = new JobRun { Name = name, NextRunAt = now });
        }
        else if (row.NextRunAt > now)
        {
            row.NextRunAt = now;
        }

        db.Append(clock, actor, new JobRunRequested(), "job", name);
        await db.SaveChangesAsync(ct);
        signal.Wake();
        return (await ListAsync(ct)).Single(j => j.Name == name);
    }
}
