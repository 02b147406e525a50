using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;

namespace Ribalta.Cases.Ingest;

/// <summary>
/// Group commit for inbound messages: requests that arrive together are written in one transaction, and each
/// caller is answered only after that transaction committed (a 2xx means the message is on disk). One durable
/// commit per batch instead of per message is what lets a single SQLite file take thousands of messages a second.
/// If a batch fails as a whole, its messages are retried one by one, so one bad message never sinks the others.
/// </summary>
internal sealed partial class IngestQueue(IServiceScopeFactory scopes, ILogger<IngestQueue> logger) : BackgroundService
{
    private const int MaxBatch = 256;

    private readonly Channel<Item> _items = Channel.CreateBounded<Item>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    private sealed record Item(Actor Actor, IngestMessageRequest Request, string? Key, string Hash, TaskCompletionSource<Result<IngestResult>> Done);

    /// <summary>Queues the message and waits for its commit. A caller who gives up still gets it written (retry with the same key).</summary>
    public async Task<Result<IngestResult>> SubmitAsync(Actor actor, IngestMessageRequest request, string? idempotencyKey, CancellationToken ct)
    {
        var item = new Item(actor, request, idempotencyKey, IdempotencyRecord.Hash(request), new TaskCompletionSource<Result<IngestResult>>(TaskCreationOptions.RunContinuationsAsynchronously));
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

            await WriteAsync(batch, stoppingToken);
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
        catch (Exception ex) when (batch.Count > 1 && ex is not OperationCanceledException)
        {
            LogBatchRetried(logger, ex, batch.Count);
            foreach (var item in batch)
            {
                await WriteAsync([item], ct);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Another node committed the same key first: answer with its result. Anything else is a real failure.
            if (batch is [{ Key: not null } single] && await ReplayAsync(single, ct) is { } replay)
            {
                single.Done.TrySetResult(replay);
                return;
            }

            LogFailed(logger, ex);
            foreach (var item in batch)
            {
                item.Done.TrySetException(ex);
            }
        }
    }

    private async Task<Result<IngestResult>?> ReplayAsync(Item item, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RibaltaDbContext>();
        return await IdempotencyRecord.ReplayAsync(db, IdempotencyScope(item.Actor), item.Key!, item.Hash, ct);
    }

    private async Task<IReadOnlyList<Result<IngestResult>>> CommitAsync(IReadOnlyList<Item> items, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RibaltaDbContext>();
        var processor = scope.ServiceProvider.GetRequiredService<IngestProcessor>();
        var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var results = new List<Result<IngestResult>>(items.Count);
        var records = new List<IdempotencyRecord>();
        var earlier = new Dictionary<(string, string), (string Hash, Result<IngestResult> Result)>();
        foreach (var item in items)
        {
            var scopeKey = IdempotencyScope(item.Actor);
            if (item.Key is { } key)
            {
                if (earlier.TryGetValue((scopeKey, key), out var first))
                {
                    results.Add(first.Hash == item.Hash ? first.Result : Error.Conflict("Error.IdempotencyMismatch"));
                    continue;
                }

                if (await IdempotencyRecord.ReplayAsync(db, scopeKey, key, item.Hash, ct) is { } replay)
                {
                    results.Add(replay);
                    continue;
                }
            }

            var result = await processor.ProcessAsync(item.Actor, item.Request, ct);
            if (item.Key is { } newKey && result.IsSuccess)
            {
                var value = result.Value;
                records.Add(new IdempotencyRecord
                {
                    Scope = scopeKey,
                    Key = newKey,
                    RequestHash = item.Hash,
                    CaseId = value.CaseId,
                    MessageId = value.MessageId,
                    CustomerId = value.CustomerId,
                    NewCase = value.NewCase,
                    NewCustomer = value.NewCustomer,
                    CreatedAt = clock.GetUtcNow(),
                });
                earlier[(scopeKey, newKey)] = (item.Hash, result);
            }

            results.Add(result);
        }

        // The keys of the whole batch in one statement, in the same transaction as their messages.
        db.ChangeTracker.Clear();
        db.AddRange(records);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return results;
    }

    /// <summary>Keys belong to whoever sent them (a member of staff, later an API key).</summary>
    public static string IdempotencyScope(Actor actor) => $"{actor.Kind}:{actor.Id}";

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Count} inbound messages failed; writing them one by one")]
    private static partial void LogBatchRetried(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "An inbound message could not be written")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
