using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Ribalta.Platform.Notifications;

/// <summary>
/// Tells a person's open pages (their bell) that their notifications changed, once the change has committed. In
/// process only, like <see cref="Events.LiveEvents"/>: a multi-node deployment needs a backplane for it too.
/// </summary>
public sealed partial class NotificationPush(ILogger<NotificationPush> logger)
{
    private readonly ConcurrentDictionary<Guid, ImmutableListeners> _listeners = new();

    /// <summary>Recipients waiting for their context's transaction to commit.</summary>
    private readonly ConditionalWeakTable<DbContext, Pending> _pending = [];

    public IDisposable Listen(Guid staffId, Func<Task> changed)
    {
        _listeners.AddOrUpdate(staffId, _ => new([changed]), (_, l) => new([.. l.All, changed]));
        return new Subscription(() => _listeners.AddOrUpdate(staffId, _ => new([]), (_, l) => new([.. l.All.Where(c => c != changed)])));
    }

    /// <summary>Someone's notifications changed now (marked read on another tab, say).</summary>
    public void Changed(IEnumerable<Guid> people)
    {
        foreach (var person in people.Distinct())
        {
            if (_listeners.TryGetValue(person, out var listeners))
            {
                foreach (var listener in listeners.All)
                {
                    _ = RunAsync(listener);
                }
            }
        }
    }

    /// <summary>Notifications were added on <paramref name="db"/>: announce them once its work commits.</summary>
    internal void Stage(DbContext db, IReadOnlyCollection<Guid> people)
    {
        if (people.Count == 0)
        {
            return;
        }

        var pending = _pending.GetOrCreateValue(db);
        lock (pending)
        {
            var transaction = db.Database.CurrentTransaction?.TransactionId;
            if (pending.Transaction != transaction)
            {
                pending.People.Clear();
                pending.Transaction = transaction;
            }

            pending.People.UnionWith(people);
        }
    }

    internal void Committed(DbContext? db, Guid? transaction)
    {
        if (db is null || !_pending.TryGetValue(db, out var pending))
        {
            return;
        }

        Guid[] people;
        lock (pending)
        {
            // Staged outside a transaction: SaveChanges' own transaction is the one committing.
            people = pending.Transaction is null || pending.Transaction == transaction ? [.. pending.People] : [];
            pending.People.Clear();
            pending.Transaction = null;
        }

        Changed(people);
    }

    internal void Discard(DbContext? db)
    {
        if (db is not null && _pending.TryGetValue(db, out var pending))
        {
            lock (pending)
            {
                pending.People.Clear();
                pending.Transaction = null;
            }
        }
    }

    private async Task RunAsync(Func<Task> listener)
    {
        try
        {
            await listener();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogListenerFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A notification listener failed")]
    private static partial void LogListenerFailed(ILogger logger, Exception exception);

    private sealed record ImmutableListeners(Func<Task>[] All);

    private sealed class Pending
    {
        public HashSet<Guid> People { get; } = [];

        public Guid? Transaction { get; set; }
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }
}

/// <summary>Announces staged notifications after commit: after SaveChanges outside a transaction, else after Commit.</summary>
internal sealed class NotificationPushInterceptor(NotificationPush push) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        SavedOutsideTransaction(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        SavedOutsideTransaction(eventData.Context);
        return result;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => FailedOutsideTransaction(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        FailedOutsideTransaction(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => push.Committed(eventData.Context, eventData.TransactionId);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        push.Committed(eventData.Context, eventData.TransactionId);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => push.Discard(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        push.Discard(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => push.Discard(eventData.Context);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        push.Discard(eventData.Context);
        return Task.CompletedTask;
    }

    private void SavedOutsideTransaction(DbContext? db)
    {
        if (db is not null && db.Database.CurrentTransaction is null)
        {
            push.Committed(db, null);
        }
    }

    private void FailedOutsideTransaction(DbContext? db)
    {
        if (db is not null && db.Database.CurrentTransaction is null)
        {
            push.Discard(db);
        }
    }
}
