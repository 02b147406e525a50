using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Ribalta.Platform.Data;

namespace Ribalta.Platform.Health;

/// <summary>Healthy only when the database answers a real query.</summary>
internal sealed class DatabaseHealthCheck(RibaltaDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            _ = await db.Events.AsNoTracking().OrderByDescending(e => e.Id).Select(e => e.Id).FirstOrDefaultAsync(cancellationToken);
            return HealthCheckResult.Healthy(db.Database.ProviderName);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("Database unreachable", ex);
        }
    }
}
