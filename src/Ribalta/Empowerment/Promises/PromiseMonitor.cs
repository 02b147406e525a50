using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Ribalta.Cases.Contracts;
using Ribalta.Customers.Contracts;
using Ribalta.Empowerment.Contracts;
using Ribalta.Empowerment.Data;
using Ribalta.Empowerment.Resolve;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Localization;

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
