using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Ribalta.Platform.Data;
using Ribalta.Platform.Events;
using Ribalta.Platform.Projections;
using Xunit;

namespace Ribalta.Tests.Infrastructure;

/// <summary>Checks that hold for any projection of the event log.</summary>
public static class ProjectionAssert
{
    /// <summary>Waits until the running projection has handled the log up to <paramref name="eventId"/> (30 s at most).</summary>
    public static async Task CaughtUpAsync(RibaltaApp app, string name, long eventId)
    {
        var feed = app.Services.GetRequiredService<EventFeed>();
        for (var i = 0; i < 300; i++)
        {
            if ((await feed.PositionAsync(name, CancellationToken.None))?.Cursor >= eventId)
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"{name} did not reach event {eventId} within 30 s");
    }

    /// <summary>The last event id in the log now.</summary>
    public static Task<long> LastEventIdAsync(RibaltaApp app) =>
        app.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Events.MaxAsync(e => (long?)e.Id).ContinueWith(t => t.Result ?? 0));

    /// <summary>
    /// The tables the running (incremental) projection built equal, row for row, those a rebuild from the whole log
    /// builds. Compared at the same place in the log: when events the projection reads arrive meanwhile, it tries again.
    /// </summary>
    public static async Task RebuildGivesTheSameTablesAsync(RibaltaApp app, string name)
    {
        var board = app.Services.GetRequiredService<ProjectionBoard>();
        var projection = board.Find(name) ?? throw new ArgumentException($"No projection {name}", nameof(name));
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var last = await LastEventIdAsync(app);
            await CaughtUpAsync(app, name, last);
            var (incremental, before) = await SnapshotAsync(app, projection);

            await board.RebuildAsync(projection, _ => { }, CancellationToken.None);
            await CaughtUpAsync(app, name, before);
            var (rebuilt, after) = await SnapshotAsync(app, projection);
            if (before != after && await app.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Events
                    .AnyAsync(e => e.Id > before && e.Id <= after && projection.Reads.Contains(e.Type))))
            {
                continue;
            }

            Assert.NotEmpty(incremental.SelectMany(t => t.Value));
            foreach (var (table, rows) in incremental)
            {
                Assert.True(rows.SequenceEqual(rebuilt[table]), $"{name}: table {table} differs after a rebuild ({rows.Count} rows incrementally, {rebuilt[table].Count} rebuilt); first difference: {rows.Except(rebuilt[table]).Concat(rebuilt[table].Except(rows)).FirstOrDefault()}");
            }

            return;
        }

        Assert.Fail($"{name}: the log kept moving; no rebuild could be compared at a quiet moment");
    }

    /// <summary>Every row of every table the projection owns, as sorted JSON, and the projection's position then.</summary>
    private static Task<(Dictionary<string, List<string>> Tables, long Position)> SnapshotAsync(RibaltaApp app, IProjection projection) =>
        app.WithServices(async sp =>
        {
            var db = sp.GetRequiredService<RibaltaDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
            var tables = new Dictionary<string, List<string>>();
            foreach (var type in projection.Tables)
            {
                var rows = await (Task<List<string>>)typeof(ProjectionAssert).GetMethod(nameof(RowsAsync), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
                    .MakeGenericMethod(type).Invoke(null, [db])!;
                tables[type.Name] = rows;
            }

            var position = await db.Set<EventCursor>().Where(c => c.Consumer == projection.Name).Select(c => c.LastEventId).SingleAsync();
            return (tables, position);
        });

    private static async Task<List<string>> RowsAsync<T>(RibaltaDbContext db)
        where T : class =>
        (await db.Set<T>().AsNoTracking().ToListAsync()).ConvertAll(r => JsonSerializer.Serialize(r)).Order(StringComparer.Ordinal).ToList();
}
