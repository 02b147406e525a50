using System.ComponentModel.DataAnnotations;

namespace Ribalta.Platform.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Section <c>Database</c>: which engine, and how to reach it.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>For PostgreSQL, required. For SQLite, optional: defaults to <c>ribalta.db</c> in the data directory.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Where the embedded database and (later) attachments live.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// Refuses queries EF Core would only warn about (a Take or Skip without an order, whose page is arbitrary): on in the
    /// tests, so every query the suite runs is held to it; off by default, where the warning is logged instead.
    /// </summary>
    public bool StrictQueries { get; set; }

    public string ResolveConnectionString()
    {
        if (!string.IsNullOrWhiteSpace(ConnectionString))
        {
            return Provider == DatabaseProvider.Postgres ? WithPostgresDefaults(ConnectionString) : ConnectionString;
        }

        if (Provider == DatabaseProvider.Postgres)
        {
            throw new InvalidOperationException("Database:ConnectionString is required when Database:Provider is Postgres.");
        }

        return $"Data Source={Path.Combine(Path.GetFullPath(DataDirectory), "ribalta.db")};Foreign Keys=True";
    }

    /// <summary>
    /// Connections one Ribalta process keeps to PostgreSQL unless the connection string says otherwise: two per core and
    /// one more (the usual sizing for a database that does the work on as many cores), never fewer than five so the
    /// background writers cannot starve requests. More connections than cores only queue inside PostgreSQL: on 2 cores,
    /// 100 (Npgsql's own default) left 24-34 connections after the ingest scenario and case open used 2.6 ms of
    /// PostgreSQL's CPU instead of 1.0 (docs/performance.md, "PostgreSQL's pool sized to the machine").
    /// </summary>
    public static int DefaultMaxPoolSize(int processorCount) => Math.Max(5, (2 * processorCount) + 1);

    /// <summary>
    /// Npgsql settings Ribalta relies on, unless the connection string sets them itself. A connection taken from the
    /// pool is not reset with <c>DISCARD ALL</c> (Ribalta keeps no session state: no <c>SET</c>, temporary tables,
    /// advisory locks or <c>LISTEN</c>), and the statements it runs most are prepared once per connection and kept.
    /// Both halved PostgreSQL's CPU per case open on the reference data (docs/performance.md, 2026-12-07).
    /// The pool holds at most <see cref="DefaultMaxPoolSize"/> connections: a burst of writes no longer leaves dozens of
    /// idle connections behind for reads to go round (Npgsql hands out its oldest idle connection first).
    /// </summary>
    private static string WithPostgresDefaults(string connectionString)
    {
        // Only the keys the string itself holds (a typed builder answers true for every key it knows).
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys
            .Cast<string>().Select(k => k.Replace(" ", "", StringComparison.Ordinal)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (!given.Contains("NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }

        if (!given.Contains("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 100;
        }

        if (!given.Contains("MaximumPoolSize") && !given.Contains("MaxPoolSize"))
        {
            builder.MaxPoolSize = DefaultMaxPoolSize(Environment.ProcessorCount);
        }

        return builder.ConnectionString;
    }
}
