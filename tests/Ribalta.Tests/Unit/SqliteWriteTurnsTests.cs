using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Ribalta.Platform.Data;
using Xunit;

namespace Ribalta.Tests.Unit;

/// <summary>
/// Every way a SQLite transaction can end gives its write turn back: a turn kept by mistake would make every later
/// writer of the process wait out <see cref="SqliteWriteTurns.Patience"/> and then meet SQLite's lock unqueued.
/// </summary>
[Trait("Suite", "Unit")]
public sealed class SqliteWriteTurnsTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"ribalta-turns-{Guid.NewGuid():N}.db");
    private readonly SqliteWriteTurns _turns = new();

    [Fact]
    public async Task A_commit_gives_the_turn_back()
    {
        await using var db = Context();
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            await db.Database.ExecuteSqlRawAsync("CREATE TABLE t (x INTEGER)");
            Assert.True(_turns.Taken);
            await transaction.CommitAsync();
            Assert.False(_turns.Taken);
        }

        Assert.False(_turns.Taken);
    }

    [Fact]
    public async Task A_rollback_gives_the_turn_back()
    {
        await using var db = Context();
        await using var transaction = await db.Database.BeginTransactionAsync();
        Assert.True(_turns.Taken);
        await transaction.RollbackAsync();
        Assert.False(_turns.Taken);
    }

    [Fact]
    public async Task A_transaction_left_without_commit_gives_the_turn_back_when_disposed()
    {
        await using var db = Context();
        await using (await db.Database.BeginTransactionAsync())
        {
            Assert.True(_turns.Taken);
        }

        Assert.False(_turns.Taken);

        // The same connection begins again at once, and nothing was written by the one left.
        await using var again = await db.Database.BeginTransactionAsync();
        Assert.True(_turns.Taken);
    }

    [Fact]
    public void A_synchronous_transaction_takes_and_gives_back_its_turn()
    {
        using var db = Context();
        using (var transaction = db.Database.BeginTransaction())
        {
            Assert.True(_turns.Taken);
            transaction.Commit();
        }

        Assert.False(_turns.Taken);
    }

    [Fact]
    public async Task A_begin_that_SQLite_refuses_gives_the_turn_back()
    {
        // Another process (here: another connection outside the context) holds the write lock past the timeout.
        await using var other = new SqliteConnection($"Data Source={_file}");
        await other.OpenAsync();
        await using var held = await other.BeginTransactionAsync();
        await using var db = Context(timeoutSeconds: 1);

        var refused = await Assert.ThrowsAsync<SqliteException>(() => db.Database.BeginTransactionAsync());

        Assert.Equal(5, refused.SqliteErrorCode); // SQLITE_BUSY
        Assert.False(_turns.Taken);
    }

    [Fact]
    public async Task A_second_transaction_waits_for_the_turn_and_gets_it_when_the_first_ends()
    {
        await using var first = Context();
        await using var second = Context();
        var transaction = await first.Database.BeginTransactionAsync();
        await first.Database.ExecuteSqlRawAsync("CREATE TABLE t (x INTEGER)");

        var waiting = second.Database.BeginTransactionAsync();
        Assert.False(waiting.IsCompleted); // no turn, so it has not asked SQLite yet

        await transaction.CommitAsync();
        await using var began = await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(_turns.Taken);
        await transaction.DisposeAsync();
        Assert.True(_turns.Taken); // the first one's disposal does not give back the second one's turn
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var path in new[] { _file, _file + "-wal", _file + "-shm" })
        {
            File.Delete(path);
        }
    }

    private DbContext Context(int timeoutSeconds = 30) => new(new DbContextOptionsBuilder<DbContext>()
        .UseSqlite($"Data Source={_file};Default Timeout={timeoutSeconds}")
        .AddInterceptors(_turns)
        .LogTo(SqliteWriteTurns.IsDisposal, _turns.Disposed)
        .Options);
}
