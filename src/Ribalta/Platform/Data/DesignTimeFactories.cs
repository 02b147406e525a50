using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Ribalta.Platform.Data;

// Used only by `dotnet ef migrations add`; the connection strings are never opened.
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteRibaltaDbContext>
{
    public SqliteRibaltaDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteRibaltaDbContext>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresRibaltaDbContext>
{
    public PostgresRibaltaDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresRibaltaDbContext>().UseNpgsql("Host=localhost;Database=design").Options);
}
