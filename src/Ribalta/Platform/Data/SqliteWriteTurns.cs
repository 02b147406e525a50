using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Ribalta.Platform.Data;

/// <summary>
/// Gives this process's SQLite transactions the database's one write lock in turn, first come first served.
/// <para>
/// Microsoft.Data.Sqlite begins every transaction with <c>BEGIN IMMEDIATE</c>, which takes SQLite's write lock. A
/// connection that finds it taken waits in SQLite's busy handler, which sleeps up to 100 ms between tries and so
/// catches the lock free only if it wakes in a gap. A writer that runs transactions back to back (the ingest queue
/// under load) leaves gaps of microseconds: the event feed's readers, woken every 100 ms, waited up to 2.5 s for a
/// turn, which was their whole lag behind the log. Here a transaction of this process first takes a turn in a queue
/// of its own, and is woken the moment the one before it ends; SQLite's busy handler is left for other processes
/// (the <c>rebuild</c> command) and for single statements outside a transaction.
/// </para>
/// <para>
/// A turn ends when the transaction commits, rolls back or is disposed (an early return that never commits). One that
/// waits longer than SQLite's own busy timeout goes on without a turn and meets SQLite's lock as before, so a
/// transaction begun while the same flow holds another (which SQLite would refuse after its timeout too) fails as it
/// did, never hangs.
/// </para>
/// </summary>
internal sealed class SqliteWriteTurns : DbTransactionInterceptor
{
    /// <summary>As long as SQLite's <c>busy_timeout</c> (see <see cref="SqliteConnectionSetup"/>).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly ConcurrentDictionary<Guid, bool> _holders = new();

    /// <summary>Whether a transaction of this process holds the turn now.</summary>
    public bool Taken => _turn.CurrentCount == 0;

    public override InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        var held = _turn.Wait(Patience);
        DbTransaction transaction;
        try
        {
            transaction = connection.BeginTransaction(eventData.IsolationLevel);
        }
        catch when (held)
        {
            _turn.Release();
            throw;
        }

        return Began(held, eventData.TransactionId, transaction);
    }

    public override async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        var held = await _turn.WaitAsync(Patience, cancellationToken);
        DbTransaction transaction;
        try
        {
            transaction = await connection.BeginTransactionAsync(eventData.IsolationLevel, cancellationToken);
        }
        catch when (held)
        {
            _turn.Release();
            throw;
        }

        return Began(held, eventData.TransactionId, transaction);
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => End(eventData.TransactionId);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        End(eventData.TransactionId);
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => End(eventData.TransactionId);

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        End(eventData.TransactionId);
        return Task.CompletedTask;
    }

    /// <summary>
    /// For <c>LogTo</c>: a transaction disposed without a commit or rollback (an early return) is rolled back by SQLite
    /// as it is disposed, which no interceptor hears; EF logs it as <see cref="RelationalEventId.TransactionDisposed"/>.
    /// </summary>
    public static bool IsDisposal(EventId id, LogLevel level) => id == RelationalEventId.TransactionDisposed;

    public void Disposed(EventData data)
    {
        if (data is TransactionEventData transaction)
        {
            End(transaction.TransactionId);
        }
    }

    /// <summary>The transaction has begun: its turn (if it got one) is its own until it ends.</summary>
    private InterceptionResult<DbTransaction> Began(bool held, Guid transactionId, DbTransaction transaction)
    {
        if (held)
        {
            _holders[transactionId] = true;
        }

        return InterceptionResult<DbTransaction>.SuppressWithResult(transaction);
    }

    private void End(Guid transactionId)
    {
        if (_holders.TryRemove(transactionId, out _))
        {
            _turn.Release();
        }
    }
}
