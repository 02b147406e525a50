namespace Ribalta.Platform.Identity;

/// <summary>
/// Every hour, deletes sessions that ended, or whose cookie can no longer be alive, more than a day ago: the table
/// holds the sessions that may still be presented, not every sign-in ever made (the event log keeps those).
/// </summary>
internal sealed partial class SignInSessionRetention(IServiceScopeFactory scopes, TimeProvider clock, ILogger<SignInSessionRetention> logger) : BackgroundService
{
    private const int Batch = 5_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), clock);
        do
        {
            try
            {
                while (await ForgetAsync(stoppingToken) == Batch)
                {
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogForgetFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<int> ForgetAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var longest = IdentityModule.StaffSessionLifetime > IdentityModule.CustomerSessionLifetime ? IdentityModule.StaffSessionLifetime : IdentityModule.CustomerSessionLifetime;
        return await scope.ServiceProvider.GetRequiredService<SignInSessions>().ForgetAsync(longest, Batch, ct);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Forgetting old sign-in sessions failed")]
    private static partial void LogForgetFailed(ILogger logger, Exception exception);
}
