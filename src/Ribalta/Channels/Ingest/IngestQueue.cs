using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Ribalta.Customers.Contracts;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;

namespace Ribalta.Channels.Ingest;

/// <summary>
/// Group commit for inbound messages: requests that arrive together are written in one transaction, and each
/// caller is answered only after that transaction committed (a 2xx means the message is on disk). One durable
/// commit per batch instead of per message is what lets a single SQLite file take thousands of messages a second.
/// If a batch fails as a whole, its messages are retried one by one, so one bad message never sinks the others.
/// </summary>
internal sealed partial class IngestQueue(IServiceScopeFactory scopes, ILogger<IngestQueue> logger) : BackgroundService
{
    private const int MaxBatch = 256;

    private const int Attempts = 5;

    private readonly Channel<Item> _items = Channel.CreateBounded<Item>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    /// <summary>On SQLite, the writer's own connection (see <see cref="SqliteConnectionSetup.OpenWriterAsync"/>); opened with the first batch.</summary>
    private SqliteConnection? _connection;

    private sealed record Item(Actor Actor, IngestMessageRequest Request, CustomerRef? Sender, string? Key, string Scope, string Hash, TaskCompletionSource<IngestOutcome> Done);

    /// <summary>
    /// Queues the message and waits for its commit. <paramref name="sender"/> is who the caller found the sender to be
    /// (read outside the writer, checked again inside). A caller who gives up still gets it written (retry with the same key).
    /// </summary>
    public async Task<IngestOutcome> SubmitAsync(
        Actor actor, IngestMessageRequest request, CustomerRef? sender, string? idempotencyKey, CancellationToken ct, string? idempotencyScope = null, string? requestHash = null)
    {
        var item = new Item(actor, request, sender, idempotencyKey, idempotencyScope ?? IdempotencyScope(actor), requestHash ?? IdempotencyRecord.Hash(request), new TaskCompletionSource<IngestOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
        await _items.Writer.WriteAsync(item, ct);
        return await item.Done.Task.WaitAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Item>(MaxBatch);
        while (await _items.Reader.WaitToReadAsync(stoppingToken))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _items.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            try
            {
                await WriteAsync(batch, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The writer outlives any failure: its callers are answered with it and the next batch is tried afresh.
                // A writer that stopped here would leave every later request waiting forever (and, before, took the host down).
                LogFailed(logger, ex);
                await ResetConnectionAsync();
                foreach (var item in batch)
                {
                    item.Done.TrySetException(ex);
                }
            }
        }
    }

    private async Task WriteAsync(List<Item> batch, CancellationToken ct)
    {
        try
        {
            var results = await CommitAsync(batch, ct);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Done.TrySetResult(results[i]);
            }
        }
        catch (Exception ex) when (batch.Count > 1 && ex is not OperationCanceledException && !DbErrors.IsUnavailable(ex))
        {
            LogBatchRetried(logger, ex, batch.Count);
            foreach (var item in batch)
            {
                await WriteAsync([item], ct);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Another node committed the same key first: answer with its result. Anything else is a real failure. With the
            // database unreachable there is nothing to replay from, and the whole batch fails at once (one by one, each
            // message would wait for its own connection attempt while later requests queue up behind them).
            if (batch is [{ Key: not null } single] && !DbErrors.IsUnavailable(ex) && await TryReplayAsync(single, ct) is { } replay)
            {
                single.Done.TrySetResult(new IngestOutcome(replay, Replayed: true));
                return;
            }

            if (DbErrors.IsUnavailable(ex))
            {
                LogUnavailable(logger, batch.Count, ex.GetBaseException().Message);
            }
            else
            {
                LogFailed(logger, ex);
            }

            await ResetConnectionAsync();
            foreach (var item in batch)
            {
                item.Done.TrySetException(ex);
            }
        }
    }

    /// <summary>The answer already committed under the item's key, if any; a failure to read it is the original failure's to report.</summary>
    private async Task<Result<IngestResult>?> TryReplayAsync(Item item, CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RibaltaDbContext>();
            return await IdempotencyRecord.ReplayAsync(db, item.Scope, item.Key!, item.Hash, ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            LogReplayFailed(logger, ex.GetBaseException().Message);
            return null;
        }
    }

    /// <summary>
    /// A case changed by someone else between our read and our write (or a key committed meanwhile by another node)
    /// fails the save: the batch is read and written again from the start, in a scope of its own.
    /// </summary>
    private Task<IReadOnlyList<IngestOutcome>> CommitAsync(IReadOnlyList<Item> items, CancellationToken ct) =>
        ConflictRetry.RunAsync(null, () => CommitOnceAsync(items, ct), ct, attempts: Attempts);

    private async Task<IReadOnlyList<IngestOutcome>> CommitOnceAsync(IReadOnlyList<Item> items, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RibaltaDbContext>();
        if (!db.Database.IsSqlite())
        {
            return await CommitOnceAsync(scope.ServiceProvider, db, items, ct);
        }

        // The batch runs on the writer's connection; the context is pooled, so it gets a connection of its own back
        // before it returns to the pool (a request leasing it next must not write on the writer's connection).
        var connectionString = db.Database.GetConnectionString()!;
        _connection ??= await SqliteConnectionSetup.OpenWriterAsync(connectionString, ct);
        db.Database.SetDbConnection(_connection, contextOwnsConnection: false);
        try
        {
            return await CommitOnceAsync(scope.ServiceProvider, db, items, ct);
        }
        finally
        {
            db.Database.SetDbConnection(new SqliteConnection(connectionString), contextOwnsConnection: true);
        }
    }

    private async Task<IReadOnlyList<IngestOutcome>> CommitOnceAsync(IServiceProvider services, RibaltaDbContext db, IReadOnlyList<Item> items, CancellationToken ct)
    {
        var processor = services.GetRequiredService<IngestProcessor>();
        var clock = services.GetRequiredService<TimeProvider>();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var results = new Result<IngestResult>?[items.Count];
        var replayed = new bool[items.Count];

        // Keys answered before (an earlier batch, another node), in one query; a key twice in this batch is answered
        // with its first occurrence's result at the end.
        var answered = await IdempotencyRecord.FindAsync(db, items.Where(i => i.Key is not null).Select(i => (i.Scope, i.Key!)), ct);
        var firstOfKey = new Dictionary<(string, string), int>();
        var repeats = new List<(int Index, int First)>();
        var work = new List<int>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].Key is not { } key)
            {
                work.Add(i);
            }
            else if (answered.TryGetValue((items[i].Scope, key), out var record))
            {
                results[i] = record.AnswerTo(items[i].Hash);
                replayed[i] = true;
            }
            else if (firstOfKey.TryGetValue((items[i].Scope, key), out var first))
            {
                repeats.Add((i, first));
            }
            else
            {
                firstOfKey[(items[i].Scope, key)] = i;
                work.Add(i);
            }
        }

        // Known senders continuing their cases (most traffic): all cases read in one query, saved in one go. Anything
        // else, or a case that turns out not to be the sender's (merged meanwhile, or not theirs), goes one by one.
        var continued = work.Where(i => items[i].Request.CaseId is not null && items[i].Sender is not null).ToList();
        var staged = await processor.ContinueAsync(continued.Select(i => (items[i].Request, items[i].Sender!)).ToList(), ct);
        for (var n = 0; n < continued.Count; n++)
        {
            results[continued[n]] = staged[n];
        }

        foreach (var i in work.Where(i => results[i] is null))
        {
            results[i] = await processor.ProcessAsync(items[i].Actor, items[i].Request, ct);
        }

        foreach (var (i, first) in repeats)
        {
            results[i] = items[first].Hash == items[i].Hash ? results[first] : Error.Conflict("Error.IdempotencyMismatch");
            replayed[i] = true;
        }

        // The keys of the whole batch in one statement, in the same transaction as their messages.
        db.ChangeTracker.Clear();
        var now = clock.GetUtcNow();
        var answers = results.Select(r => r ?? throw new InvalidOperationException("An inbound message was left unanswered.")).ToList();
        db.AddRange(firstOfKey.Values.Where(i => answers[i].IsSuccess).Select(i => IdempotencyRecord.For(items[i].Scope, items[i].Key!, items[i].Hash, answers[i].Value, now)));
        await db.SaveWholeAsync(ct);
        await transaction.CommitAsync(ct);
        return answers.Select((answer, i) => new IngestOutcome(answer, replayed[i])).ToList();
    }

    private async Task ResetConnectionAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync();
        }
    }

    public override void Dispose()
    {
        _connection?.Dispose();
        base.Dispose();
    }

    /// <summary>Keys belong to whoever sent them (a member of staff, later an API key).</summary>
    public static string IdempotencyScope(Actor actor) => $"{actor.Kind}:{actor.Id}";

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Count} inbound messages failed; writing them one by one")]
    private static partial void LogBatchRetried(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "An inbound message could not be written")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} inbound messages not written: the database is unavailable ({Reason})")]
    private static partial void LogUnavailable(ILogger logger, int count, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking up an earlier answer to an idempotency key failed: {Reason}")]
    private static partial void LogReplayFailed(ILogger logger, string reason);
}

/// <summary>What a caller is told: the result, and whether it is the first answer to an earlier request with the same key.</summary>
internal readonly record struct IngestOutcome(Result<IngestResult> Result, bool Replayed);
