using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Ribalta.Platform.Data;

/// <summary>
/// Sets up each SQLite connection once, when it is first opened (a pooled connection keeps its settings, so opening
/// it again from the pool costs no statement):
/// <list type="bullet">
/// <item>SQLite itself waits (with short, growing sleeps) when another connection holds the write lock, instead of
/// failing at once and leaving Microsoft.Data.Sqlite to retry after a fixed 150 ms: concurrent writers queue for
/// milliseconds, not in 150 ms steps.</item>
/// <item>The write-ahead log is copied back into the database every 10,000 pages (about 40 MB) instead of 1,000: a
/// page written by many commits in a row (the right edge of every index) is copied once, not at every tenth commit.
/// Commits stay durable: each one is still synced to the log.</item>
/// </list>
/// </summary>
internal sealed class SqliteConnectionSetup : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA busy_timeout = 5000; PRAGMA wal_autocheckpoint = 10000;";

    private static readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> Configured = [];

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (FirstOpen(connection))
        {
            using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            command.ExecuteNonQuery();
        }
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (FirstOpen(connection))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>
    /// A connection of its own for one busy writer, kept open, with a page cache of 32 MB instead of SQLite's 2 MB: the
    /// pages its inserts touch in every index stay in memory between batches. Only the writer gets it, so the other
    /// pooled connections (readers, which touch pages all over the file) keep the memory budget.
    /// </summary>
    public static async Task<SqliteConnection> OpenWriterAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = Pragmas + " PRAGMA cache_size = -32768;";
            await command.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static bool FirstOpen(DbConnection connection)
    {
        if (connection is not SqliteConnection { Handle: { } handle })
        {
            return true;
        }

        return Configured.TryAdd(handle, handle);
    }
}
