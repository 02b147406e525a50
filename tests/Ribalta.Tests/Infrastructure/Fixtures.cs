using Npgsql;
using Xunit;

namespace Ribalta.Tests.Infrastructure;

/// <summary>One application on a fresh SQLite file for the whole "sqlite" collection.</summary>
public sealed class SqliteAppFixture : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ribalta-test-" + Guid.NewGuid().ToString("N")[..8]);

    public RibaltaApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        App = new RibaltaApp("Sqlite", $"Data Source={Path.Combine(_directory, "ribalta.db")};Foreign Keys=True", _directory);
        _ = App.Server; // start: runs migrations and start-up tasks
        await Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>One application on a fresh database in a PostgreSQL server this fixture starts itself.</summary>
public sealed class PostgresAppFixture : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ribalta-test-" + Guid.NewGuid().ToString("N")[..8]);
    private PostgresServer? _server;

    public RibaltaApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.StartAsync();
        var database = "ribalta_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(_server.ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", connection);
            await create.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(_server.ConnectionString) { Database = database };
        Directory.CreateDirectory(_directory);
        App = new RibaltaApp("Postgres", builder.ConnectionString, _directory);
        _ = App.Server;
    }

    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        NpgsqlConnection.ClearAllPools();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SqliteCollection : ICollectionFixture<SqliteAppFixture>
{
    public const string Name = "sqlite";
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresAppFixture>
{
    public const string Name = "postgres";
}
