using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Ribalta.Platform.Data;

namespace Ribalta.Platform.Events;

/// <summary>Where a consumer's cursor starts the first time it reads the log.</summary>
public enum FeedStart
{
    /// <summary>From the first event ever written: a projection, which must see the whole history.</summary>
    Beginning,

    /// <summary>From the next event written: webhooks, which begin with what happens after they were set up.</summary>
    End,
}

/// <summary>
/// A reader of the event log with a cursor of its own. <see cref="HandleAsync"/> gets the events after the cursor in
/// id order, inside the transaction that then moves the cursor past them: what the consumer writes with the given
/// context commits together with its position, or not at all (and the same events come again). Delivery is at least
/// once: a consumer whose work leaves the database (an HTTP call, a mail) must recognise an event id it has seen.
/// </summary>
public interface IEventConsumer
{
    /// <summary>The cursor's name: stable, lower case (<c>webhooks</c>, <c>projection.case_volume</c>).</summary>
    string Name { get; }

    FeedStart StartsAt { get; }

    /// <summary>
    /// The event types the consumer reads (a projection declares them); null for every type. The cursor moves past the
    /// others unread, so a consumer of a few types catches up on a long log without loading the rest.
    /// </summary>
    IReadOnlySet<string>? Reads => null;

    Task HandleAsync(RibaltaDbContext db, IReadOnlyList<EventRecord> events, CancellationToken ct);
}

/// <summary>How far one consumer has read the event log.</summary>
public sealed class EventCursor
{
    public const int NameMax = 100;

    public required string Consumer { get; init; }

    public long LastEventId { get; set; }
}

internal sealed class EventCursorConfiguration : IEntityTypeConfiguration<EventCursor>
{
    public void Configure(EntityTypeBuilder<EventCursor> builder)
    {
        builder.ToTable("event_cursors");
        builder.HasKey(c => c.Consumer);
        builder.Property(c => c.Consumer).HasMaxLength(EventCursor.NameMax);
    }
}

/// <summary>
/// Reads the event log durably for any consumer: one cursor row per consumer, events in id order, never past an id
/// that may still be committing. On PostgreSQL an event's id is taken when its row is written, not when its transaction
/// commits, so a hole in the ids may be an event a longer transaction is still committing: reading stops before the
/// hole until it fills, or until it has stayed open for <see cref="GapPatience"/> (then it was a rolled-back write and
/// is passed). A hole in the history (the event after it was appended longer than the patience ago) is passed at once:
/// a transaction cannot still be committing an id it took before an event that old, and a consumer catching up on a
/// long log must not wait at every rolled-back write. Two nodes reading for the same consumer take turns: the cursor row is locked first thing in the
/// transaction, so a batch is handled once.
/// </summary>
public sealed class EventFeed(IServiceScopeFactory scopes, TimeProvider clock)
{
    /// <summary>How long a hole in the ids is waited for (real time): far longer than any commit takes.</summary>
    public TimeSpan GapPatience { get; init; } = TimeSpan.FromSeconds(10);

    private readonly Dictionary<string, (long At, long SeenAt)> _gaps = [];

    /// <summary>Consumers whose cursor row is known to exist: rows are never deleted, so each is checked once a process.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _cursors = new(StringComparer.Ordinal);

    /// <summary>
    /// Hands the consumer the next batch of at most <paramref name="batchSize"/> events after its cursor and moves the
    /// cursor past them in the same transaction. Returns how many events the cursor passed, read or not (0: nothing to read yet).
    /// </summary>
    public async Task<int> ReadAsync(IEventConsumer consumer, int batchSize, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RibaltaDbContext>();
        await EnsureCursorAsync(db, consumer, ct);

        await using var transaction = await db.Database.BeginTransactionAsync(ct);

        // Writing the cursor first takes its row lock (PostgreSQL) or the database's write lock (SQLite) before
        // anything is read: another node reading for the same consumer waits here and then sees the moved cursor.
        await db.Set<EventCursor>().Where(c => c.Consumer == consumer.Name)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.LastEventId, c => c.LastEventId), ct);
        var cursor = await db.Set<EventCursor>().SingleAsync(c => c.Consumer == consumer.Name, ct);
        List<EventRecord> events;
        long through;
        int passed;
        if (consumer.Reads is not { } types)
        {
            var read = await db.Events.AsNoTracking().Where(e => e.Id > cursor.LastEventId).OrderBy(e => e.Id).Take(batchSize).ToListAsync(ct);
            events = read[..Contiguous(consumer.Name, cursor.LastEventId, read.ConvertAll(e => (e.Id, e.OccurredAt)))];
            through = events.Count > 0 ? events[^1].Id : cursor.LastEventId;
            passed = events.Count;
        }
        else
        {
            // The ids and times of every event settle how far the cursor may go; only the declared types' payloads are loaded.
            var wanted = types.ToList();
            var rows = await db.Events.AsNoTracking().Where(e => e.Id > cursor.LastEventId).OrderBy(e => e.Id).Take(batchSize)
                .Select(e => new { e.Id, e.OccurredAt, e.Type, e.ActorKind, e.ActorId, e.ActorName, e.SubjectType, e.SubjectId, e.CustomerId, Payload = wanted.Contains(e.Type) ? e.Payload : null })
                .ToListAsync(ct);
            passed = Contiguous(consumer.Name, cursor.LastEventId, rows.ConvertAll(e => (e.Id, e.OccurredAt)));
            through = passed > 0 ? rows[passed - 1].Id : cursor.LastEventId;
            events = [];
            for (var i = 0; i < passed; i++)
            {
                if (rows[i] is { Payload: { } payload } e)
                {
                    events.Add(EventRecord.Read(e.Id, e.OccurredAt, e.Type, e.ActorKind, e.ActorId, e.ActorName, e.SubjectType, e.SubjectId, e.CustomerId, payload));
                }
            }
        }

        if (passed == 0)
        {
            return 0;
        }

        if (events.Count > 0)
        {
            await consumer.HandleAsync(db, events, ct);
        }

        cursor.LastEventId = through;
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return passed;
    }

    /// <summary>
    /// Starts the consumer again from the beginning of the log: <paramref name="clear"/> empties what it built, in the
    /// transaction that moves its cursor back to the start, under the cursor's lock (a node reading for it waits).
    /// </summary>
    public async Task ResetAsync(IEventConsumer consumer, Func<RibaltaDbContext, CancellationToken, Task> clear, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RibaltaDbContext>();
        await EnsureCursorAsync(db, consumer, ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Set<EventCursor>().Where(c => c.Consumer == consumer.Name)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.LastEventId, 0L), ct);
        await clear(db, ct);
        await transaction.CommitAsync(ct);
        lock (_gaps)
        {
            _gaps.Remove(consumer.Name);
        }
    }

    /// <summary>
    /// Moves the consumer's cursor to the last event written, passing everything before it unread: for a consumer that
    /// has nothing to do with the events (webhooks without subscriptions), so its later reading starts from now.
    /// </summary>
    public async Task SkipToEndAsync(IEventConsumer consumer, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RibaltaDbContext>();
        await EnsureCursorAsync(db, consumer, ct);
        var last = await LastEventIdAsync(db, ct);
        await db.Set<EventCursor>().Where(c => c.Consumer == consumer.Name && c.LastEventId < last)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.LastEventId, last), ct);
    }

    /// <summary>The consumer's position: the last event id it has handled, and the last id in the log.</summary>
    public async Task<(long Cursor, long Last)?> PositionAsync(string consumer, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RibaltaDbContext>();
        var cursor = await db.Set<EventCursor>().AsNoTracking().Where(c => c.Consumer == consumer).Select(c => (long?)c.LastEventId).SingleOrDefaultAsync(ct);
        return cursor is { } at ? (at, await LastEventIdAsync(db, ct)) : null;
    }

    private static Task<long> LastEventIdAsync(RibaltaDbContext db, CancellationToken ct) =>
        db.Events.OrderByDescending(e => e.Id).Select(e => e.Id).FirstOrDefaultAsync(ct);

    private async Task EnsureCursorAsync(RibaltaDbContext db, IEventConsumer consumer, CancellationToken ct)
    {
        if (_cursors.ContainsKey(consumer.Name) || await db.Set<EventCursor>().AnyAsync(c => c.Consumer == consumer.Name, ct))
        {
            _cursors[consumer.Name] = true;
            return;
        }

        var start = consumer.StartsAt == FeedStart.End ? await LastEventIdAsync(db, ct) : 0;
        db.Add(new EventCursor { Consumer = consumer.Name, LastEventId = start });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            // Another node made it first.
        }
        finally
        {
            db.ChangeTracker.Clear();
        }

        _cursors[consumer.Name] = true;
    }

    /// <summary>
    /// How many of the events (ids and times, in id order) follow the cursor without a hole, or all of them once a hole
    /// has outlived the patience.
    /// </summary>
    private int Contiguous(string consumer, long cursor, List<(long Id, DateTimeOffset OccurredAt)> events)
    {
        var expected = cursor + 1;
        var count = 0;
        while (count < events.Count && events[count].Id == expected)
        {
            count++;
            expected++;
        }

        lock (_gaps)
        {
            if (count == events.Count)
            {
                _gaps.Remove(consumer);
                return count;
            }

            if (events[count].OccurredAt < clock.GetUtcNow() - GapPatience)
            {
                // Only old holes before this point: take the batch up to the first hole that is recent, if any.
                _gaps.Remove(consumer);
                return UpToRecentHole(events, count);
            }

            var now = Environment.TickCount64;
            if (!_gaps.TryGetValue(consumer, out var gap) || gap.At != expected)
            {
                gap = (expected, now);
                _gaps[consumer] = gap;
            }

            if (now - gap.SeenAt >= (long)GapPatience.TotalMilliseconds)
            {
                _gaps.Remove(consumer);
                return events.Count;
            }
        }

        return count;
    }

    /// <summary>How many of the events come before the first hole whose next event is recent (all of them when there is none).</summary>
    private int UpToRecentHole(List<(long Id, DateTimeOffset OccurredAt)> events, int from)
    {
        var recent = clock.GetUtcNow() - GapPatience;
        for (var i = from + 1; i < events.Count; i++)
        {
            if (events[i].Id != events[i - 1].Id + 1 && events[i].OccurredAt >= recent)
            {
                return i;
            }
        }

        return events.Count;
    }
}
