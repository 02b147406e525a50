using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Ribalta.Platform.Data;
using Xunit;

namespace Ribalta.Tests.Unit;

/// <summary>
/// Every model change is a migration for both providers, with the same name and in the same order
/// (<c>scripts/add-migration.sh</c> adds both), so that a database on either provider has the same schema.
/// </summary>
[Trait("Suite", "Unit")]
public sealed class MigrationTests
{
    /// <summary>PostgreSQL's own search machinery (buckets and a function for one-call search); SQLite uses FTS5.</summary>
    private static readonly string[] PostgresOnly = ["SearchBuckets", "SearchInOneCall", "SearchDocumentAsWritten"];

    [Fact]
    public void Both_providers_have_the_same_migrations_in_the_same_order()
    {
        var sqlite = Names<SqliteRibaltaDbContext>();
        var postgres = Names<PostgresRibaltaDbContext>();

        Assert.NotEmpty(sqlite);
        Assert.Equal(sqlite, postgres.Except(PostgresOnly));
        Assert.All(PostgresOnly, name => Assert.Contains(name, postgres));
    }

    private static List<string> Names<TContext>()
        where TContext : DbContext =>
        typeof(RibaltaDbContext).Assembly.GetTypes()
            .Where(t => typeof(Migration).IsAssignableFrom(t) && t.GetCustomAttribute<DbContextAttribute>()?.ContextType == typeof(TContext))
            .Select(t => t.GetCustomAttribute<MigrationAttribute>()!.Id)
            .Order(StringComparer.Ordinal)
            .Select(Name)
            .ToList();

    /// <summary>The name after the 14-digit timestamp and the underscore.</summary>
    private static string Name(string id) => id[15..];
}
