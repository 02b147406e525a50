using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Ribalta.Platform.Data;

namespace Ribalta.Platform.Events;

/// <summary>
/// Hands events to the dispatcher once their transaction has committed: after SaveChanges when it ran on its own,
/// after Commit when the caller opened a transaction; dropped on rollback or failure.
/// </summary>
internal sealed class EventPublishingInterceptor(CommittedEventDispatcher dispatcher) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Capture(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Capture(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        PublishIfOutsideTransaction(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        PublishIfOutsideTransaction(eventData.Context);
        return result;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Discard(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Discard(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Publish(eventData.Context, eventData.TransactionId);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Publish(eventData.Context, eventData.TransactionId);
        return Task.CompletedTask;
    }

    /// <summary>A commit or rollback that threw: whether it committed is unknown, so nothing is announced.</summary>
    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Discard(eventData.Context);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Discard(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Discard(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Discard(eventData.Context);
        return Task.CompletedTask;
    }

    private static void Capture(DbContext? context)
    {
        if (context is RibaltaDbContext db)
        {
            // Events left from a transaction that ended with neither commit nor rollback (disposed after an error,
            // possibly on the previous lease of a pooled context) belong to no transaction that can still commit.
            var transaction = db.Database.CurrentTransaction?.TransactionId;
            if (db.PendingTransactionId != transaction)
            {
                db.PendingEvents.Clear();
                db.PendingTransactionId = transaction;
            }

            db.PendingEvents.AddRange(db.ChangeTracker.Entries<EventRecord>().Where(e => e.State == EntityState.Added).Select(e => e.Entity));
        }
    }

    private void PublishIfOutsideTransaction(DbContext? context)
    {
        if (context is RibaltaDbContext db && db.Database.CurrentTransaction is null)
        {
            Publish(db, null);
        }
    }

    /// <summary>
    /// Announces the pending events when the transaction that committed is theirs: the caller's own, or (for events
    /// saved outside one) the transaction SaveChanges ran in.
    /// </summary>
    private void Publish(DbContext? context, Guid? committed)
    {
        if (context is RibaltaDbContext { PendingEvents.Count: > 0 } db)
        {
            if (db.PendingTransactionId is null || db.PendingTransactionId == committed)
            {
                dispatcher.Publish(db.PendingEvents.ToArray());
            }

            db.PendingEvents.Clear();
        }
    }

    private static void Discard(DbContext? context)
    {
        if (context is RibaltaDbContext db)
        {
            db.PendingEvents.Clear();
        }
    }
}
