using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Domain;
using Ribalta.Cases.Search;
using Ribalta.Customers.Domain;
using Ribalta.Demo;
using Ribalta.Platform.Data;
using Ribalta.Platform.Events;

namespace Ribalta.Bench;

/// <summary>
/// Builds a deterministic dataset (customers, cases, conversations in four languages, their events) straight
/// through the data layer in large batches, the same entities and search terms the handlers write.
/// Start Ribalta with --demo on it afterwards to add the demo staff logins.
/// </summary>
internal static class DatasetGenerator
{
    private const int Batch = 1000;

    public static async Task<int> RunAsync(Options options)
    {
        var provider = options.Get("provider", "Sqlite");
        var directory = Path.GetFullPath(options.Get("data-dir", "bench-data"));
        Directory.CreateDirectory(directory);
        var customers = options.Int("customers", 20_000);
        var casesPerCustomer = options.Int("cases-per-customer", 2);
        var messagesPerCase = options.Int("messages-per-case", 5);
        var random = new Random(options.Int("seed", 2026));

        await using var db = Create(provider, options.Get("connection") ?? $"Data Source={Path.Combine(directory, "ribalta.db")};Foreign Keys=True");
        await db.Database.MigrateAsync();
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }

        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var clock = TimeProvider.System;
        var start = clock.GetUtcNow().AddDays(-365);
        var stopwatch = Stopwatch.StartNew();
        var inputs = DemoSeeder.Customers(random, customers, []).GetEnumerator();
        long messageCount = 0;
        var done = 0;
        while (done < customers)
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var cases = new List<(Case Case, string Name, string Body, string Reply, string Subject)>();
            for (var i = 0; i < Batch && done < customers; i++, done++)
            {
                inputs.MoveNext();
                var input = inputs.Current;
                var created = start.AddSeconds(done * (365.0 * 86400 / customers));
                var customer = new Customer { DisplayName = input.DisplayName!, PreferredLanguage = input.PreferredLanguage, Relationship = input.Relationship ?? default, Notes = input.Notes, CreatedAt = created, UpdatedAt = created };
                customer.SetConsent(input.Consent!);
                foreach (var (kind, value) in input.ContactPoints())
                {
                    customer.ContactPoints.Add(new ContactPoint { CustomerId = customer.Id, Kind = kind, Value = value, NormalizedValue = ContactPoint.Normalize(kind, value) });
                }

                CustomerInputRules.SyncSearchTerms(customer, null);
                db.Add(customer);
                db.Append(new FixedClock(created), Actor.System, "customer.created", "customer", customer.Id.ToString(), new { customer.DisplayName, source = "bench" }, customer.Id);

                var templates = DemoData.Cases[input.PreferredLanguage ?? "en"];
                for (var c = 0; c < casesPerCustomer; c++)
                {
                    var (subject, body, reply) = templates[random.Next(templates.Length)];
                    var opened = created.AddHours(random.Next(1, 24 * 300));
                    var @case = new Case { CustomerId = customer.Id, Subject = subject, Channel = (Channel)random.Next(0, 6), Language = input.PreferredLanguage, CreatedAt = opened, UpdatedAt = opened };
                    var status = (CaseStatus)random.Next(1, 6);
                    if (status == CaseStatus.Closed)
                    {
                        @case.MoveTo(CaseStatus.Solved, opened);
                    }

                    @case.MoveTo(status, opened);
                    db.Add(@case);
                    cases.Add((@case, customer.DisplayName, body, reply, subject));
                }
            }

            // Cases first, for their ids; then their conversations with the search terms, as the handlers write them.
            db.ChangeTracker.DetectChanges();
            await db.SaveChangesAsync();
            foreach (var (@case, name, body, reply, subject) in cases)
            {
                db.Append(new FixedClock(@case.CreatedAt), new Actor(ActorKind.Customer, @case.CustomerId.ToString(), name), CaseEvents.Opened, "case", @case.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), new { @case.Subject }, @case.CustomerId);
                for (var m = 0; m < messagesPerCase; m++)
                {
                    var fromCustomer = m % 2 == 0;
                    var message = new Message
                    {
                        CaseId = @case.Id,
                        Kind = fromCustomer ? MessageKind.Customer : (m % 4 == 3 ? MessageKind.InternalNote : MessageKind.Reply),
                        Channel = @case.Channel,
                        Language = @case.Language,
                        AuthorKind = fromCustomer ? ActorKind.Customer : ActorKind.Staff,
                        AuthorName = fromCustomer ? name : "Ana Ortega",
                        Body = fromCustomer ? body : reply,
                        CreatedAt = @case.CreatedAt.AddMinutes(m * 37),
                    };
                    db.Add(message);
                    db.Add(SearchEntry.For(message, m == 0 ? subject : null));
                    messageCount++;
                }
            }

            db.ChangeTracker.DetectChanges();
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
            db.ChangeTracker.Clear();
            Console.Write($"\r{done:N0}/{customers:N0} customers, {messageCount:N0} messages, {done / Math.Max(1, stopwatch.Elapsed.TotalSeconds):N0} customers/s   ");
        }

        Console.WriteLine();
        Console.WriteLine($"Generated {customers:N0} customers, {customers * casesPerCustomer:N0} cases, {messageCount:N0} messages in {stopwatch.Elapsed.TotalSeconds:N0} s ({provider}).");
        return 0;
    }

    private static RibaltaDbContext Create(string provider, string connection) => provider.Equals("Postgres", StringComparison.OrdinalIgnoreCase)
        ? new PostgresRibaltaDbContext(new DbContextOptionsBuilder<PostgresRibaltaDbContext>().UseNpgsql(connection, o => o.MigrationsHistoryTable("__ef_migrations")).Options)
        : new SqliteRibaltaDbContext(new DbContextOptionsBuilder<SqliteRibaltaDbContext>().UseSqlite(connection, o => o.MigrationsHistoryTable("__ef_migrations")).Options);

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
