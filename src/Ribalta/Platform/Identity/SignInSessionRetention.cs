namespace Ribalta.Platform.Identity;

/// <summary>
/// Every hour, deletes sessions that ended, or whose cookie can no longer be alive, more than a day ago: the table
/// holds the sessions that may still be presented, not every sign-in ever made (the event log keeps those).
/// </summary>
internal sealed class SignInSessionRetention(IServiceScopeFactory scopes) : Jobs.IJob
{
    private const int Batch = 5_000;

    public string Name => "identity.forget_sessions";

    public TimeSpan Interval => TimeSpan.FromHours(1);

    public async Task RunAsync(CancellationToken ct)
    {
        while (await ForgetAsync(ct) == Batch)
        {
        }
    }

    private async Task<int> ForgetAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var longest = IdentityModule.StaffSessionLifetime > IdentityModule.CustomerSessionLifetime ? IdentityModule.StaffSessionLifetime : IdentityModule.CustomerSessionLifetime;
        return await scope.ServiceProvider.GetRequiredService<SignInSessions>().ForgetAsync(longest, Batch, ct);
    }
}
