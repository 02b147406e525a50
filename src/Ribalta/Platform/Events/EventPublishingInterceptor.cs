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

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Publish(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Publish(eventData.Context);
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
            db.PendingEvents.AddRange(db.ChangeTracker.Entries<EventRecord>().Where(e => e.State == EntityState.Added).Select(e => e.Entity));
        }
    }

    private void PublishIfOutsideTransaction(DbContext? context)
    {
        if (context is RibaltaDbContext db && db.Database.CurrentTransaction is null)
        {
            Publish(db);
        }
    }

    private void Publish(DbContext? context)
    {
        if (context is RibaltaDbContext { PendingEvents.Count: > 0 } db)
        {
            dispatcher.Publish(db.PendingEvents.ToArray());
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
