using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Ribalta.Platform.Data;

public static class DbErrors
{
    /// <summary>True when a write lost a race against a unique index (SQLite constraint 2067/1555, PostgreSQL 23505).</summary>
    public static bool IsUniqueViolation(DbUpdateException exception) => exception.InnerException switch
    {
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };

    /// <summary>True when a write lost a race another try can win: a concurrency token that moved, or a unique key taken meanwhile.</summary>
    public static bool IsConflict(Exception exception) =>
        exception is DbUpdateConcurrencyException || (exception is DbUpdateException update && IsUniqueViolation(update));

    /// <summary>
    /// True when the database could not be reached or was going away (PostgreSQL stopping, restarting or refusing
    /// connections; a broken socket; SQLite busy or locked past its timeout). Such a failure says nothing about the
    /// request: it is answered with 503 and Retry-After, and the same request may succeed a moment later.
    /// </summary>
    public static bool IsUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException postgres:
                    // Class 08 (connection exception), 57P01-57P03 (shutting down, crash shutdown, cannot connect now),
                    // 53300 (too many connections).
                    return postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
                        || postgres.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
                            or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections;
                case NpgsqlException npgsql when npgsql.IsTransient:
                    return true;
                case SqliteException sqlite when sqlite.SqliteErrorCode is 5 or 6: // SQLITE_BUSY, SQLITE_LOCKED
                    return true;
                case SocketException or TimeoutException:
                    return true;
            }
        }

        return false;
    }
}
