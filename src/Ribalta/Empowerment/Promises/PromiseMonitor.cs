using Microsoft.Extensions.Options;
using Ribalta.Empowerment.Resolve;

namespace Ribalta.Empowerment.Promises;

/// <summary>Checks for promises that fell due, every <see cref="EmpowermentOptions.PromiseCheckSeconds"/> of the clock.</summary>
internal sealed partial class PromiseMonitor(IServiceScopeFactory scopes, TimeProvider clock, IOptions<EmpowermentOptions> options, ILogger<PromiseMonitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.PromiseCheckSeconds), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                int broken;
                do
                {
                    await using var scope = scopes.CreateAsyncScope();
                    broken = await scope.ServiceProvider.GetRequiredService<PromiseLedger>().BreakDueAsync(stoppingToken);
                }
                while (broken == PromiseLedger.Batch);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogCheckFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Checking promises that fell due failed")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception);
}
