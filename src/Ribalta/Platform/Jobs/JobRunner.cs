using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Ribalta.Platform.Data;

namespace Ribalta.Platform.Jobs;

/// <summary>Wakes the runner when a job was asked to run now.</summary>
internal sealed class JobSignal : Events.WakeSignal;

/// <summary>
/// Runs every <see cref="IJob"/> on its interval, on one node at a time: a job's row in <c>job_runs</c> says when it is
/// due, and a node runs it only after taking its lease (one conditional update, so two nodes never both win). The lease
/// is renewed while the job runs and lapses if the node dies, so another node takes the job over. Each run's result
/// is recorded on the row (started, finished, last success, last error, failures in a row) for the jobs page. A failed
/// run is tried again sooner than its interval, after 1, 2, 4 … minutes.
/// </summary>
internal sealed partial class JobRunner(
    IEnumerable<IJob> jobs, IServiceScopeFactory scopes, JobSignal signal, TimeProvider clock, IHostApplicationLifetime lifetime, ILogger<JobRunner> logger)
    : BackgroundService
{
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, IJob> _jobs = jobs.ToDictionary(j => j.Name, StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);

    private bool _failing;

    private int _rounds;

    /// <summary>How many times this runner has looked for due jobs (tests wait on it instead of on the clock).</summary>
    public int Rounds => Volatile.Read(ref _rounds);

    /// <summary>This process, as it appears in a job's <c>Holder</c>.</summary>
    public string Node { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    public IReadOnlyCollection<IJob> Jobs => _jobs.Values;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The schema is migrated while the host starts; jobs run only once it has.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        var scheduled = false;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    if (!scheduled)
                    {
                        await ScheduleAsync(stoppingToken);
                        scheduled = true;
                    }

                    await StartDueAsync(stoppingToken);
                    Interlocked.Increment(ref _rounds);
                    if (_failing)
                    {
                        _failing = false;
                        LogRecovered(logger);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // The database may be away for a while: say so once, and keep looking every second.
                    if (!_failing)
                    {
                        _failing = true;
                        LogRoundFailed(logger, ex);
                    }
                }

                await signal.WaitAsync(Tick, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await Task.WhenAll(_running.Values);
        }
    }

    /// <summary>A row for every job that has none yet, due now.</summary>
    private async Task ScheduleAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RibaltaDbContext>();
        var known = await db.Set<JobRun>().Select(j => j.Name).ToListAsync(ct);
        foreach (var name in _jobs.Keys.Except(known))
        {
            db.Add(new JobRun { Name = name, NextRunAt = clock.GetUtcNow() });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
            {
                // Another node scheduled it first.
            }

            db.ChangeTracker.Clear();
        }
    }

    private async Task StartDueAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RibaltaDbContext>();
        var now = clock.GetUtcNow();
        var due = await db.Set<JobRun>().AsNoTracking()
            .Where(j => j.NextRunAt <= now && (j.Holder == null || j.LeasedUntil < now))
            .Select(j => j.Name).ToListAsync(ct);
        foreach (var name in due)
        {
            if (!_jobs.TryGetValue(name, out var job) || _running.ContainsKey(name))
            {
                continue;
            }

            var leasedUntil = now + Lease;
            var claimed = await db.Set<JobRun>()
                .Where(j => j.Name == name && j.NextRunAt <= now && (j.Holder == null || j.LeasedUntil < now))
                .ExecuteUpdateAsync(u => u.SetProperty(j => j.Holder, Node).SetProperty(j => j.LeasedUntil, leasedUntil).SetProperty(j => j.LastStartedAt, now), ct);
            if (claimed == 1)
            {
                _running[name] = RunAsync(job, ct);
            }
        }
    }

    private async Task RunAsync(IJob job, CancellationToken stoppingToken)
    {
        await Task.Yield();
        using var done = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var renewing = RenewAsync(job.Name, done.Token);
        string? error = null;
        try
        {
            await job.RunAsync(stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            error = ex.GetBaseException().Message;
            LogJobFailed(logger, ex, job.Name);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the lease is given back below and the job runs again on the next start (or on another node).
        }

        await done.CancelAsync();
        await renewing;
        try
        {
            await FinishAsync(job, error, stoppingToken.IsCancellationRequested);
        }
        catch (Exception ex)
        {
            // The lease lapses by itself; the job runs again when it does.
            LogRecordFailed(logger, ex, job.Name);
        }
        finally
        {
            _running.TryRemove(job.Name, out _);
        }
    }

    private async Task RenewAsync(string name, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await Task.Delay(Lease / 3, clock, ct);
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<RibaltaDbContext>();
                var until = clock.GetUtcNow() + Lease;
                await db.Set<JobRun>().Where(j => j.Name == name && j.Holder == Node)
                    .ExecuteUpdateAsync(u => u.SetProperty(j => j.LeasedUntil, until), ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            LogRecordFailed(logger, ex, name);
        }
    }

    private async Task FinishAsync(IJob job, string? error, bool stopped)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RibaltaDbContext>();
        var row = await db.Set<JobRun>().SingleAsync(j => j.Name == job.Name);
        if (row.Holder != Node)
        {
            return; // The lease lapsed and another node has the job now: its record wins.
        }

        var now = clock.GetUtcNow();
        row.Holder = null;
        row.LeasedUntil = null;
        if (stopped)
        {
            row.NextRunAt = now;
        }
        else if (error is null)
        {
            row.Runs++;
            row.LastFinishedAt = now;
            row.LastSucceededAt = now;
            row.LastError = null;
            row.FailuresInARow = 0;
            row.NextRunAt = now + job.Interval;
        }
        else
        {
            row.Runs++;
            row.Failures++;
            row.FailuresInARow++;
            row.LastFinishedAt = now;
            row.LastError = error.Length > JobRunConfiguration.ErrorMax ? error[..JobRunConfiguration.ErrorMax] : error;
            row.NextRunAt = now + RetryAfter(job.Interval, row.FailuresInARow);
        }

        await db.SaveChangesAsync(CancellationToken.None);
    }

    /// <summary>1, 2, 4 … minutes after a failure, never later than the job's own interval.</summary>
    public static TimeSpan RetryAfter(TimeSpan interval, int failuresInARow)
    {
        var wait = TimeSpan.FromMinutes(Math.Pow(2, Math.Clamp(failuresInARow - 1, 0, 20)));
        return wait < interval ? wait : interval;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {Job} failed; it runs again later")]
    private static partial void LogJobFailed(ILogger logger, Exception exception, string job);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recording job {Job} failed; its lease lapses by itself")]
    private static partial void LogRecordFailed(ILogger logger, Exception exception, string job);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The job runner cannot reach the database; it keeps trying every second")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "The job runner reaches the database again")]
    private static partial void LogRecovered(ILogger logger);
}
