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
            return ConnectionString;
        }

        if (Provider == DatabaseProvider.Postgres)
        {
            throw new InvalidOperationException("Database:ConnectionString is required when Database:Provider is Postgres.");
        }

        return $"Data Source={Path.Combine(Path.GetFullPath(DataDirectory), "ribalta.db")};Foreign Keys=True";
    }
}
