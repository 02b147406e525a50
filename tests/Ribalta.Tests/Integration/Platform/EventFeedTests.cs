using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Ribalta.Platform.Data;
using Ribalta.Platform.Events;
using Ribalta.Tests.Infrastructure;
using Xunit;

namespace Ribalta.Tests.Integration.Platform;

/// <summary>
/// The durable reading of the event log every consumer shares (webhooks today, projections next): in order, each event
/// once per consumer, the consumer's writes committed with its cursor, and never past an event still committing.
/// Other tests write events at the same time; each test looks only at the events of its own subject.
/// </summary>
public abstract class EventFeedTests(RibaltaApp app)
{
    protected RibaltaApp App { get; } = app;

    protected EventFeed Feed => App.Services.GetRequiredService<EventFeed>();

    [Fact]
    public async Task A_consumer_gets_every_event_after_its_start_once_and_in_order()
    {
        var consumer = new Recorder(FeedStart.End);
        var subject = Guid.NewGuid().ToString();
        await AppendAsync("test.before", subject);
        Assert.Equal(0, await Feed.ReadAsync(consumer, 10, CancellationToken.None));

        var written = new List<long>();
        for (var i = 0; i < 7; i++)
        {
            written.Add(await AppendAsync("test.after", subject));
        }

        await DrainUntilAsync(Feed, consumer, c => c.Handled.Any(e => e.Id == written[^1]));

        // Small batches, one cursor: all seven, in id order, none twice, nothing from before the cursor was made.
        Assert.Equal(written, consumer.Handled.Where(e => e.SubjectId == subject).Select(e => e.Id).ToList());
        var ids = consumer.Handled.Select(e => e.Id).ToList();
        Assert.Equal(ids.Order().Distinct(), ids);
        var position = await Feed.PositionAsync(consumer.Name, CancellationToken.None);
        Assert.NotNull(position);
        Assert.True(position.Value.Cursor >= written[^1]);
    }

    [Fact]
    public async Task A_consumer_starting_at_the_beginning_reads_the_history()
    {
        var subject = Guid.NewGuid().ToString();
        var first = await AppendAsync("test.history", subject);
        await AppendAsync("test.history", subject);
        var consumer = new Recorder(FeedStart.Beginning);

        // Seen from a day later, every hole in the history (other tests' rolled-back writes) is old and passed at once.
        var later = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(App.Services.GetRequiredService<TimeProvider>().GetUtcNow() + TimeSpan.FromDays(1));
        var feed = new EventFeed(App.Services.GetRequiredService<IServiceScopeFactory>(), later);

        Assert.Equal(2, await feed.ReadAsync(consumer, 2, CancellationToken.None));
        var lowest = await App.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Events.MinAsync(e => e.Id));
        Assert.Equal(lowest, consumer.Handled[0].Id);

        await DrainAsync(feed, consumer, 1000);
        Assert.Contains(consumer.Handled, e => e.Id == first);
        var ids = consumer.Handled.Select(e => e.Id).ToList();
        Assert.Equal(ids.Order().Distinct(), ids);
    }

    [Fact]
    public async Task What_a_consumer_writes_commits_with_its_cursor_and_a_failed_batch_comes_again()
    {
        var subject = Guid.NewGuid().ToString();
        var consumer = new Recorder(FeedStart.End) { WriteSubject = subject, FailNext = true };
        Assert.Equal(0, await Feed.ReadAsync(consumer, 50, CancellationToken.None));
        var id = await AppendAsync("test.input", subject);

        await Assert.ThrowsAsync<InvalidOperationException>(() => DrainUntilAsync(Feed, consumer, c => c.Handled.Any(e => e.Id == id)));
        Assert.Equal(0, await CountAsync("test.output", subject));
        var position = await Feed.PositionAsync(consumer.Name, CancellationToken.None);
        Assert.True(position!.Value.Cursor < id, "the cursor did not move past the batch that failed");

        await DrainUntilAsync(Feed, consumer, c => c.Handled.Count(e => e.Id == id) == 2);
        Assert.Equal(2, consumer.Handled.Count(e => e.Id == id));
        Assert.Equal(1, await CountAsync("test.output", subject));
    }

    [Fact]
    public async Task Two_nodes_reading_for_one_consumer_handle_each_event_once()
    {
        var name = "test." + Guid.NewGuid().ToString("N");
        var subject = Guid.NewGuid().ToString();
        var handled = new ConcurrentBag<long>();
        var first = new Recorder(FeedStart.End, name, handled);
        var second = new Recorder(FeedStart.End, name, handled);
        var other = new EventFeed(App.Services.GetRequiredService<IServiceScopeFactory>(), App.Services.GetRequiredService<TimeProvider>());
        Assert.Equal(0, await Feed.ReadAsync(first, 5, CancellationToken.None));
        var written = new List<long>();
        for (var i = 0; i < 20; i++)
        {
            written.Add(await AppendAsync("test.shared", subject));
        }

        await Task.WhenAll(
            DrainUntilAsync(Feed, first, _ => handled.Contains(written[^1])),
            DrainUntilAsync(other, second, _ => handled.Contains(written[^1])));

        var ours = handled.Where(written.Contains).Order().ToList();
        Assert.Equal(written, ours);
    }

    protected async Task<long> AppendAsync(string type, string subject) =>
        await App.WithServices(async sp =>
        {
            var db = sp.GetRequiredService<RibaltaDbContext>();
            var record = Record(type, subject);
            db.Events.Add(record);
            await db.SaveChangesAsync();
            return record.Id;
        });

    /// <summary>An event as the application stamps it: at its clock's time (the feed judges a hole's age by that clock).</summary>
    protected EventRecord Record(string type, string subject) => Record(type, subject, App.Services.GetRequiredService<TimeProvider>().GetUtcNow());

    protected static EventRecord Record(string type, string subject, DateTimeOffset at) => new()
    {
        OccurredAt = at,
        Type = type,
        SubjectType = "test",
        SubjectId = subject,
        Payload = "{}",
    };

    protected Task<int> CountAsync(string type, string subject) =>
        App.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Events.CountAsync(e => e.Type == type && e.SubjectId == subject));

    /// <summary>Reads until the log is caught up (bounded: other tests keep writing).</summary>
    protected static async Task DrainAsync(EventFeed feed, IEventConsumer consumer, int batchSize = 5)
    {
        for (var round = 0; round < 2000; round++)
        {
            if (await feed.ReadAsync(consumer, batchSize, CancellationToken.None) == 0)
            {
                return;
            }
        }

        throw new InvalidOperationException("The feed did not catch up in 2,000 batches.");
    }

    /// <summary>
    /// Reads until <paramref name="done"/> holds. Another test's transaction still committing leaves a hole the feed
    /// rightly waits for (up to its patience), so a caught-up feed may not have reached this test's events yet.
    /// </summary>
    protected static async Task DrainUntilAsync(EventFeed feed, Recorder consumer, Func<Recorder, bool> done)
    {
        var deadline = DateTime.UtcNow + feed.GapPatience + TimeSpan.FromSeconds(10);
        while (true)
        {
            await DrainAsync(feed, consumer);
            if (done(consumer) || DateTime.UtcNow > deadline)
            {
                return;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>A consumer that records what it was handed and, if asked, writes one event of its own per event or fails once.</summary>
    protected sealed class Recorder(FeedStart start, string? name = null, ConcurrentBag<long>? shared = null) : IEventConsumer
    {
        public string Name { get; } = name ?? "test." + Guid.NewGuid().ToString("N");

        public FeedStart StartsAt => start;

        public List<EventRecord> Handled { get; } = [];

        public string? WriteSubject { get; init; }

        public bool FailNext { get; set; }

        public Task HandleAsync(RibaltaDbContext db, IReadOnlyList<EventRecord> events, CancellationToken ct)
        {
            lock (Handled)
            {
                Handled.AddRange(events);
            }

            foreach (var e in events)
            {
                shared?.Add(e.Id);
                if (WriteSubject is not null && e.SubjectId == WriteSubject && e.Type == "test.input")
                {
                    db.Events.Add(Record("test.output", WriteSubject, e.OccurredAt));
                }
            }

            if (FailNext && events.Any(e => e.SubjectId == WriteSubject))
            {
                FailNext = false;
                throw new InvalidOperationException("The consumer failed this batch.");
            }

            return Task.CompletedTask;
        }
    }
}

[Collection(SqliteCollection.Name)]
[Trait("Suite", "Sqlite")]
public sealed class EventFeedTestsOnSqlite(SqliteAppFixture fixture) : EventFeedTests(fixture.App);

[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class EventFeedTestsOnPostgres(PostgresAppFixture fixture) : EventFeedTests(fixture.App)
{
    // PostgreSQL takes an event's id when its row is written, not when it commits: the only provider with holes that fill.
    [Fact]
    public async Task An_event_still_committing_is_waited_for_and_a_hole_left_by_a_rollback_is_passed_after_the_patience()
    {
        var subject = Guid.NewGuid().ToString();
        var consumer = new Recorder(FeedStart.End);
        var scopes = App.Services.GetRequiredService<IServiceScopeFactory>();
        var feed = new EventFeed(scopes, App.Services.GetRequiredService<TimeProvider>()) { GapPatience = TimeSpan.FromSeconds(30) };
        Assert.Equal(0, await feed.ReadAsync(consumer, 100, CancellationToken.None));

        // A transaction takes an id and stays open while a later event commits.
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RibaltaDbContext>();
            await using var slow = await db.Database.BeginTransactionAsync();
            var pending = Record("test.slow", subject);
            db.Events.Add(pending);
            await db.SaveChangesAsync();
            var later = await AppendAsync("test.fast", subject);
            Assert.True(later > pending.Id);

            await DrainAsync(feed, consumer);
            Assert.DoesNotContain(consumer.Handled, e => e.Id >= pending.Id);

            await slow.CommitAsync();
            await DrainUntilAsync(feed, consumer, c => c.Handled.Any(e => e.Id == later));
            var ours = consumer.Handled.Where(e => e.SubjectId == subject).Select(e => e.Id).ToList();
            Assert.Equal([pending.Id, later], ours);
        }

        // A rolled-back id never fills: it holds reading back until the patience runs out, then it is passed.
        long hole;
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RibaltaDbContext>();
            await using var abandoned = await db.Database.BeginTransactionAsync();
            var lost = Record("test.lost", subject);
            db.Events.Add(lost);
            await db.SaveChangesAsync();
            hole = lost.Id;
            await abandoned.RollbackAsync();
        }

        feed = new EventFeed(scopes, App.Services.GetRequiredService<TimeProvider>()) { GapPatience = TimeSpan.FromSeconds(3) };
        var after = await AppendAsync("test.after_hole", subject);
        await DrainAsync(feed, consumer);
        Assert.DoesNotContain(consumer.Handled, e => e.Id == after);

        await Task.Delay(feed.GapPatience + TimeSpan.FromMilliseconds(200));
        await DrainUntilAsync(feed, consumer, c => c.Handled.Any(e => e.Id == after));
        Assert.Contains(consumer.Handled, e => e.Id == after);
        Assert.DoesNotContain(consumer.Handled, e => e.Id == hole);
    }

    [Fact]
    public async Task A_hole_long_in_the_past_is_passed_without_waiting()
    {
        var scopes = App.Services.GetRequiredService<IServiceScopeFactory>();
        var now = App.Services.GetRequiredService<TimeProvider>();
        var consumer = new Recorder(FeedStart.End);
        var feed = new EventFeed(scopes, now) { GapPatience = TimeSpan.FromMinutes(5) };
        Assert.Equal(0, await feed.ReadAsync(consumer, 100, CancellationToken.None));

        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RibaltaDbContext>();
            await using var abandoned = await db.Database.BeginTransactionAsync();
            db.Events.Add(Record("test.lost", "old-hole"));
            await db.SaveChangesAsync();
            await abandoned.RollbackAsync();
        }

        var after = await AppendAsync("test.after_old_hole", Guid.NewGuid().ToString());
        await DrainAsync(feed, consumer);
        Assert.DoesNotContain(consumer.Handled, e => e.Id == after);

        // The same log read a day later: the event after the hole is old, so nothing can still be committing before it.
        var dayLater = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(now.GetUtcNow() + TimeSpan.FromDays(1));
        await DrainAsync(new EventFeed(scopes, dayLater) { GapPatience = TimeSpan.FromMinutes(5) }, consumer);
        Assert.Contains(consumer.Handled, e => e.Id == after);
    }
}
