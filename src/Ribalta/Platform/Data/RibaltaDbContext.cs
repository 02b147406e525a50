using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;

namespace Ribalta.Platform.Data;

/// <summary>
/// The one unit of work for the whole application. Modules bring their own entity configurations
/// (found by assembly scan) and reach their tables with <c>Set&lt;T&gt;()</c>, so Platform never references a module.
/// Each provider has a derived context that owns its migrations.
/// </summary>
public abstract class RibaltaDbContext(DbContextOptions options)
    : IdentityDbContext<StaffUser, IdentityRole<Guid>, Guid>(options)
{
    public DbSet<EventRecord> Events => Set<EventRecord>();

    /// <summary>Events saved but not yet committed; see <see cref="EventPublishingInterceptor"/>.</summary>
    internal List<EventRecord> PendingEvents { get; } = [];

    /// <summary>The caller's transaction the pending events were saved in; null when SaveChanges ran in its own.</summary>
    internal Guid? PendingTransactionId { get; set; }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(RibaltaDbContext).Assembly);
    }
}

/// <summary>The embedded default: one SQLite file in WAL mode.</summary>
public sealed class SqliteRibaltaDbContext(DbContextOptions<SqliteRibaltaDbContext> options) : RibaltaDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);

        // SQLite has no date type; a sortable integer keeps ORDER BY and range filters on the server.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<Microsoft.EntityFrameworkCore.Storage.ValueConversion.DateTimeOffsetToBinaryConverter>();
    }
}

/// <summary>The production engine.</summary>
public sealed class PostgresRibaltaDbContext(DbContextOptions<PostgresRibaltaDbContext> options) : RibaltaDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        OrdinalText.ApplyPostgresCollation(builder);
    }
}
