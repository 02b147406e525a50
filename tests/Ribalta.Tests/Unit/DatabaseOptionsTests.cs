using Npgsql;
using Ribalta.Platform.Data;
using Xunit;

namespace Ribalta.Tests.Unit;

/// <summary>The PostgreSQL connection settings Ribalta adds, and that an operator's own always win.</summary>
[Trait("Suite", "Unit")]
public sealed class DatabaseOptionsTests
{
    [Fact]
    public void Pooled_connections_are_not_reset_and_statements_are_prepared_unless_the_operator_says_otherwise()
    {
        var added = Postgres("Host=db;Database=ribalta;Username=app;Password=secret");
        Assert.True(added.NoResetOnClose);
        Assert.Equal(100, added.MaxAutoPrepare);
        Assert.Equal(DatabaseOptions.DefaultMaxPoolSize(Environment.ProcessorCount), added.MaxPoolSize);
        Assert.Equal(("db", "ribalta", "app", "secret"), (added.Host, added.Database, added.Username, added.Password));

        var own = Postgres("Host=db;Database=ribalta;No Reset On Close=false;Max Auto Prepare=0;Maximum Pool Size=40");
        Assert.False(own.NoResetOnClose);
        Assert.Equal(0, own.MaxAutoPrepare);
        Assert.Equal(40, own.MaxPoolSize);

        // The same keys without spaces are the operator's too.
        var compact = Postgres("Host=db;Database=ribalta;NoResetOnClose=false;MaxAutoPrepare=5;MaxPoolSize=3");
        Assert.False(compact.NoResetOnClose);
        Assert.Equal(5, compact.MaxAutoPrepare);
        Assert.Equal(3, compact.MaxPoolSize);
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 5)]
    [InlineData(4, 9)]
    [InlineData(16, 33)]
    public void The_pool_holds_two_connections_a_core_and_one_more_never_fewer_than_five(int cores, int connections) =>
        Assert.Equal(connections, DatabaseOptions.DefaultMaxPoolSize(cores));

    [Fact]
    public void A_sqlite_connection_string_is_used_as_given()
    {
        const string given = "Data Source=/var/lib/ribalta/ribalta.db;Foreign Keys=True";
        Assert.Equal(given, new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = given }.ResolveConnectionString());
    }

    private static NpgsqlConnectionStringBuilder Postgres(string connectionString) =>
        new(new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = connectionString }.ResolveConnectionString());
}
