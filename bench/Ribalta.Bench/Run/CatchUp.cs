using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Ribalta.Bench.Generate;
using Ribalta.Platform.Data;
using Ribalta.Platform.Projections;

namespace Ribalta.Bench.Run;

/// <summary>
/// How fast a projection catches up on the whole log: the <c>rebuild</c> command's work, timed, on a dataset's
/// database (migrated first). The budget is at least 50,000 events a second, so a rebuild of the reference
/// dataset's 10.8 million events takes minutes.
/// </summary>
internal static class CatchUp
{
    public static async Task<int> RunAsync(Options options)
    {
        var postgres = string.Equals(options.Get("provider", "Sqlite"), "Postgres", StringComparison.OrdinalIgnoreCase);
        var directory = options.Get("data-dir") ?? throw new ArgumentException("--data-dir is required (the dataset's folder)");
        var name = options.Get("projection", "insights.case_flow");
        await using var app = DatasetGenerator.BuildApplication(postgres, options.Get("connection"), directory);
        await app.Services.MigrateDatabaseAsync();
        var board = app.Services.GetRequiredService<ProjectionBoard>();
        board = new ProjectionBoard(app.Services.GetRequiredService<Ribalta.Platform.Events.EventFeed>(), board.All, app.Services.GetRequiredService<IServiceScopeFactory>(), TimeProvider.System)
        {
            RebuildBatchSize = options.Int("batch-size", board.RebuildBatchSize),
        };
        var projection = board.Find(name) ?? throw new ArgumentException($"No projection {name}");

        var clock = Stopwatch.StartNew();
        RebuildProgress last = new(0, 0, TimeSpan.Zero);
        var printed = TimeSpan.Zero;
        await board.RebuildAsync(projection, p =>
        {
            last = p;
            if (clock.Elapsed - printed >= TimeSpan.FromSeconds(2))
            {
                printed = clock.Elapsed;
                Console.Write(FormattableString.Invariant($"\r{name}: {p.Done:N0} of {p.Total:N0} ({p.PerSecond:N0}/s, about {p.Left:hh\\:mm\\:ss} left)   "));
            }
        }, CancellationToken.None);
        var elapsed = clock.Elapsed;
        Console.WriteLine();

        // Ids run with holes (PostgreSQL's sequence caches, rolled-back writes): the rate is of events, counted.
        long events;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            events = await scope.ServiceProvider.GetRequiredService<RibaltaDbContext>().Events.LongCountAsync(e => e.Id <= last.Total);
        }

        var perSecond = events / elapsed.TotalSeconds;
        var stamp = DateTimeOffset.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var markdown = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Projection catch-up ({name}) on {(postgres ? "PostgreSQL" : "SQLite")} at {directory}, {stamp}{(options.Get("label") is { } label ? $" ({label})" : "")}")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Machine: {LoadDriver.Machine()}; batch {board.RebuildBatchSize:N0} events.")
            .AppendLine()
            .AppendLine("| projection | events in the log | seconds | events per second | peak RSS MB |")
            .AppendLine("|---|---:|---:|---:|---:|")
            .AppendLine(CultureInfo.InvariantCulture, $"| {name} | {events:N0} | {elapsed.TotalSeconds:F0} | {perSecond:N0} | {Environment.WorkingSet / 1048576.0:F0} / {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0} |")
            .ToString();
        var outDirectory = options.Get("out", "bench/results");
        Directory.CreateDirectory(outDirectory);
        await File.WriteAllTextAsync(Path.Combine(outDirectory, $"{stamp}-catch-up.md"), markdown);
        Console.WriteLine(markdown);
        return 0;
    }
}
