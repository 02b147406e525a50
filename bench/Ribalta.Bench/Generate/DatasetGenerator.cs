using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Ribalta.Cases;
using Ribalta.Cases.Domain;
using Ribalta.Customers;
using Ribalta.Customers.Domain;
using Ribalta.Demo;
using Ribalta.Platform;
using Ribalta.Platform.Data;
using Ribalta.Platform.Identity;

namespace Ribalta.Bench.Generate;

/// <summary>
/// Builds a deterministic dataset: customers with their contact points, segments and search terms; cases with
/// owners, tags and departments; conversations in four languages with their search entries; and the event of every
/// change. The schema comes from the application's migrations and the staff, departments and segments from its own
/// demo seeder (so cases can be assigned to real logins); the rest is bulk-loaded (prepared INSERTs in large
/// transactions on SQLite, binary COPY on PostgreSQL) with exactly the rows the handlers would have written.
/// </summary>
internal static class DatasetGenerator
{
    public static async Task<int> RunAsync(Options options)
    {
        var shape = DatasetShape.From(options);
        var postgres = options.Get("provider", "Sqlite").Equals("Postgres", StringComparison.OrdinalIgnoreCase);
        var directory = Path.GetFullPath(options.Get("data-dir", "bench-data"));
        var connection = options.Get("connection");
        if (postgres && connection is null)
        {
            throw new ArgumentException("--provider Postgres needs --connection");
        }

        Console.WriteLine($"Generating {shape} on {(postgres ? "PostgreSQL" : "SQLite")} (data directory {directory}).");
        var progress = new Progress();
        progress.Phase("schema and demo staff");
        await using var app = BuildApplication(postgres, connection, directory);
        await app.Services.MigrateDatabaseAsync();
        StaffSetting staff;
        FirstIds first;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RibaltaDbContext>();
            if (await db.Set<Customer>().AnyAsync())
            {
                throw new InvalidOperationException("The database already holds customers: generate into an empty one.");
            }

            await scope.ServiceProvider.GetRequiredService<IDemoSeeder>().SeedIfEmptyAsync(new DemoOptions { Enabled = true, Seed = shape.Seed, Customers = 0 }, CancellationToken.None);
            staff = await ReadStaffAsync(db);
            first = new FirstIds(
                (await db.Set<Case>().MaxAsync(c => (long?)c.Id) ?? 0) + 1,
                (await db.Set<Message>().MaxAsync(m => (long?)m.Id) ?? 0) + 1,
                (await db.Events.MaxAsync(e => (long?)e.Id) ?? 0) + 1);
        }

        var connectionString = app.Services.DatabaseSettings().ResolveConnectionString();
        await using IBulkLoader loader = postgres ? new PostgresBulkLoader(connectionString) : new SqliteBulkLoader(connectionString);
        var before = new Dictionary<BulkTable, long>();
        foreach (var table in BulkTable.All)
        {
            before[table] = await loader.CountAsync(table);
        }

        progress.Phase("preparing");
        await loader.PrepareAsync(progress);
        progress.Phase("loading rows");
        var timeline = new DatasetTimeline(shape, staff, first, loader, progress);
        timeline.Write();
        progress.Phase("indexes, full-text index and schema check");
        await loader.FinishAsync(progress);
        var ready = progress.Elapsed;
        progress.Phase("sanity check");
        var counts = await DatasetCheck.RunAsync(app.Services, loader, shape, timeline, first, before, progress);
        progress.EndPhase();

        Console.WriteLine();
        Console.WriteLine("| table | rows |");
        Console.WriteLine("|---|---:|");
        foreach (var (table, rows) in counts)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {table} | {rows:N0} |"));
        }

        Console.WriteLine();
        foreach (var (name, took) in progress.Phases)
        {
            Console.WriteLine($"{name}: {Progress.Format(took)}");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Generated {shape} on {(postgres ? "PostgreSQL" : "SQLite")}: {timeline.Rows:N0} rows, ready in {Progress.Format(ready)}, sanity check passed, {Progress.Format(progress.Elapsed)} in all."));
        return 0;
    }

    /// <summary>The application's own services on the target database, without a web server.</summary>
    internal static WebApplication BuildApplication(bool postgres, string? connection, string directory)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = postgres ? nameof(DatabaseProvider.Postgres) : nameof(DatabaseProvider.Sqlite),
            ["Database:ConnectionString"] = connection,
            ["Database:DataDirectory"] = directory,
            ["Logging:LogLevel:Default"] = "Warning",

            // Migrating a new PostgreSQL database logs its probe of the missing history table as a failure; real failures throw.
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = "None",
        });
        builder.AddRibaltaModules();
        return builder.Build();
    }

    /// <summary>The front line the demo seeder created (the people it hands cases to), back offices, and segments in the demo's order.</summary>
    private static async Task<StaffSetting> ReadStaffAsync(RibaltaDbContext db)
    {
        var agents = await db.Users.AsNoTracking()
            .Where(u => u.Email!.StartsWith("agent") || u.Email.StartsWith("wakeel") || u.Email.StartsWith("lead"))
            .OrderBy(u => u.Email)
            .Select(u => new StaffMember(u.Id, u.DisplayName))
            .ToListAsync();
        var backOffices = (await db.Set<Department>().AsNoTracking().Where(d => d.Name != DemoData.Departments[0]).ToListAsync())
            .OrderBy(d => Array.IndexOf(DemoData.Departments, d.Name)).Select(d => d.Id).ToList();
        var segments = (await db.Set<Segment>().AsNoTracking().ToListAsync())
            .OrderBy(s => Array.FindIndex(DemoData.Segments, x => x.Name == s.Name)).Select(s => s.Id).ToList();
        if (agents.Count == 0 || backOffices.Count == 0 || segments.Count != DemoData.Segments.Length)
        {
            throw new InvalidOperationException("The demo seeder did not create the expected staff, departments and segments.");
        }

        return new StaffSetting(agents, backOffices, segments);
    }
}
