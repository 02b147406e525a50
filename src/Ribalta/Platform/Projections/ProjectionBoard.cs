using Microsoft.EntityFrameworkCore;
using Ribalta.Platform.Data;
using Ribalta.Platform.Events;

namespace Ribalta.Platform.Projections;

/// <summary>How far a rebuild has come: events passed of those in the log when it began, and the time it took so far.</summary>
public sealed record RebuildProgress(long Done, long Total, TimeSpan Elapsed)
{
    public double PerSecond => Done / Math.Max(Elapsed.TotalSeconds, 0.001);

    /// <summary>The time left at the rate so far.</summary>
    public TimeSpan Left => TimeSpan.FromSeconds(Math.Max(Total - Done, 0) / Math.Max(PerSecond, 1));
}

/// <summary>The projections: where each stands in the log, and a rebuild from the whole log.</summary>
public sealed class ProjectionBoard(EventFeed feed, IEnumerable<IProjection> projections, IServiceScopeFactory scopes, TimeProvider clock)
{
    /// <summary>Events a rebuild hands over in one transaction (larger than the runner's: it is catching up).</summary>
    public int RebuildBatchSize { get; init; } = 5_000;

    public IReadOnlyList<IProjection> All { get; } = projections.OrderBy(p => p.Name, StringComparer.Ordinal).ToList();

    public IProjection? Find(string name) => All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.Ordinal));

    public async Task<IReadOnlyList<ProjectionStatus>> ListAsync(CancellationToken ct)
    {
        var statuses = new List<ProjectionStatus>(All.Count);
        foreach (var projection in All)
        {
            statuses.Add(await StatusAsync(projection, ct));
        }

        return statuses;
    }

    public async Task<ProjectionStatus> StatusAsync(IProjection projection, CancellationToken ct)
    {
        var (position, last) = await feed.PositionAsync(projection.Name, ct) ?? (0, 0);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RibaltaDbContext>();
        if (position == 0 && last == 0)
        {
            last = await db.Events.OrderByDescending(e => e.Id).Select(e => e.Id).FirstOrDefaultAsync(ct);
        }

        var waiting = await db.Events.Where(e => e.Id > position).OrderBy(e => e.Id).Select(e => (DateTimeOffset?)e.OccurredAt).FirstOrDefaultAsync(ct);
        var lag = waiting is { } since ? Math.Max(0, (clock.GetUtcNow() - since).TotalSeconds) : 0;
        return new ProjectionStatus(projection.Name, position, last, lag);
    }

    /// <summary>
    /// Empties the projection's tables and builds them again from the first event, reporting progress after each
    /// batch, until it has passed the events that were in the log when it began (a running service goes on from
    /// there). Safe while the service runs: the tables are emptied in the transaction that moves the cursor back, and
    /// from then on this and any running node take turns on the same cursor.
    /// </summary>
    public async Task RebuildAsync(IProjection projection, Action<RebuildProgress> progress, CancellationToken ct)
    {
        var started = clock.GetTimestamp();
        await feed.ResetAsync(projection, (db, token) => ClearAsync(db, projection, token), ct);
        var (_, total) = await feed.PositionAsync(projection.Name, ct) ?? (0, 0);
        progress(new RebuildProgress(0, total, TimeSpan.Zero));
        while (true)
        {
            var passed = await feed.ReadAsync(projection, RebuildBatchSize, ct);
            // Progress is the cursor's place (ids run nearly without holes), whoever moved it: a running node may
            // take turns with this command.
            var (position, _) = await feed.PositionAsync(projection.Name, ct) ?? (0, 0);
            progress(new RebuildProgress(Math.Min(position, total), total, clock.GetElapsedTime(started)));
            if (position >= total)
            {
                break;
            }

            if (passed == 0)
            {
                // A hole the feed waits for (a write still committing), or another node holding the cursor.
                await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
            }
        }
    }

    /// <summary>Deletes every row of the projection's tables (inside the caller's transaction).</summary>
    internal static async Task ClearAsync(RibaltaDbContext db, IProjection projection, CancellationToken ct)
    {
        foreach (var type in projection.Tables)
        {
            var entity = db.Model.FindEntityType(type) ?? throw new InvalidOperationException($"{type.Name} is not an entity of the model");
            var table = entity.GetTableName()!;
#pragma warning disable EF1002 // The name comes from the model, not from input.
            await db.Database.ExecuteSqlRawAsync($"DELETE FROM \"{table}\"", ct);
#pragma warning restore EF1002
        }
    }
}

/// <summary>The <c>rebuild NAME</c> command.</summary>
public static class ProjectionCommands
{
    /// <summary>Rebuilds the named projection with a progress bar and an estimate on the console; 2 when there is no such projection.</summary>
    public static async Task<int> RebuildProjectionAsync(this IServiceProvider services, string? name, TextWriter console, CancellationToken ct = default)
    {
        var board = services.GetRequiredService<ProjectionBoard>();
        if (name is null || board.Find(name) is not { } projection)
        {
            console.WriteLine(name is null ? "Which projection? rebuild NAME, one of:" : $"No projection is called \"{name}\". One of:");
            foreach (var known in board.All)
            {
                console.WriteLine("  " + known.Name);
            }

            return 2;
        }

        await board.RebuildAsync(projection, p =>
        {
            var share = p.Total == 0 ? 1 : (double)p.Done / p.Total;
            var bar = new string('#', (int)(share * 30)).PadRight(30, '.');
            console.Write(FormattableString.Invariant($"\r{projection.Name} [{bar}] {100 * share,5:F1}%  {p.Done:N0} of {p.Total:N0} events, {p.PerSecond:N0}/s, about {p.Left:hh\\:mm\\:ss} left   "));
        }, ct);
        console.WriteLine();
        console.WriteLine($"{projection.Name}: rebuilt from the whole event log.");
        return 0;
    }
}
