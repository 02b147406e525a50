using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Ribalta.Platform.Events;

namespace Ribalta.Platform.Data;

internal static class DataModule
{
    public static IServiceCollection AddRibaltaData(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection(DatabaseOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<EventPublishingInterceptor>();
        services.AddSingleton<SqliteWriteTurns>();

        var options = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        Directory.CreateDirectory(options.DataDirectory);

        // Cookies and antiforgery tokens must survive a restart: keep the keys with the data.
        services.AddDataProtection()
            .SetApplicationName("Ribalta")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(Path.GetFullPath(options.DataDirectory), "keys")));
        // Contexts are pooled: the options are built once, and a request leases a context whose internal services
        // already exist instead of building them (building the options per request was a tenth of the CPU of opening
        // a case, the context's services another tenth). A context returns to the pool reset: no tracked entities,
        // default command timeout and change-tracking switches (RibaltaDbContext clears its own pending events).
        if (options.Provider == DatabaseProvider.Postgres)
        {
            services.AddDbContextPool<RibaltaDbContext, PostgresRibaltaDbContext>((sp, o) => o
                .UseNpgsql(options.ResolveConnectionString(), npgsql => npgsql.MigrationsHistoryTable("__ef_migrations"))
                .AddInterceptors(sp.GetRequiredService<EventPublishingInterceptor>(), sp.GetRequiredService<Notifications.NotificationPushInterceptor>())
                .ConfigureWarnings(w => Strict(w, options)));
        }
        else
        {
            services.AddDbContextPool<RibaltaDbContext, SqliteRibaltaDbContext>((sp, o) => o
                .UseSqlite(options.ResolveConnectionString(), sqlite => sqlite.MigrationsHistoryTable("__ef_migrations"))
                .AddInterceptors(
                    sp.GetRequiredService<EventPublishingInterceptor>(), sp.GetRequiredService<Notifications.NotificationPushInterceptor>(), new SqliteConnectionSetup(),
                    sp.GetRequiredService<SqliteWriteTurns>())
                .LogTo(SqliteWriteTurns.IsDisposal, sp.GetRequiredService<SqliteWriteTurns>().Disposed)
                .ConfigureWarnings(w => Strict(w, options)));
        }

        return services;
    }

    private static void Strict(Microsoft.EntityFrameworkCore.Diagnostics.WarningsConfigurationBuilder warnings, DatabaseOptions options)
    {
        if (options.StrictQueries)
        {
            warnings.Throw(Microsoft.EntityFrameworkCore.Diagnostics.CoreEventId.RowLimitingOperationWithoutOrderByWarning);
        }
    }

    /// <summary>
    /// Brings the schema up to date; on SQLite also turns on write-ahead logging (a property of the file). A migration
    /// may rebuild an index over millions of rows (minutes, not the 30 s a request's command may take), so it runs
    /// without the usual command timeout.
    /// </summary>
    public static async Task MigrateDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RibaltaDbContext>();
        db.Database.SetCommandTimeout(MigrationTimeout);
        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }

    /// <summary>How long one migration command may run: an index over the reference dataset builds in about two minutes.</summary>
    private static readonly TimeSpan MigrationTimeout = TimeSpan.FromHours(2);

    public static DatabaseOptions DatabaseSettings(this IServiceProvider services) =>
        services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
}
