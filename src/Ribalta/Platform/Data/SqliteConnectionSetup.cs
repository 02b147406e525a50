using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Ribalta.Platform.Data;

/// <summary>
/// Lets SQLite itself wait (with short, growing sleeps) when another connection holds the write lock, instead of
/// failing at once and leaving Microsoft.Data.Sqlite to retry after a fixed 150 ms: concurrent writers queue for
/// milliseconds, not in 150 ms steps.
/// </summary>
internal sealed class SqliteConnectionSetup : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA busy_timeout = 5000;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
