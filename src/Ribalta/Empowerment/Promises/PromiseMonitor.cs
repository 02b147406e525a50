using Microsoft.Extensions.Options;
using Ribalta.Platform.Jobs;

namespace Ribalta.Empowerment.Promises;

/// <summary>Checks for promises that fell due, every <see cref="EmpowermentOptions.PromiseCheckSeconds"/> of the clock.</summary>
internal sealed class PromiseMonitor(IServiceScopeFactory scopes, IOptions<EmpowermentOptions> options) : IJob
{
    public string Name => "promises.break_due";

    public TimeSpan Interval => TimeSpan.FromSeconds(options.Value.PromiseCheckSeconds);

    public async Task RunAsync(CancellationToken ct)
    {
        int broken;
        do
        {
            await using var scope = scopes.CreateAsyncScope();
            broken = await scope.ServiceProvider.GetRequiredService<DuePromises>().BreakAsync(ct);
        }
        while (broken == DuePromises.Batch);
    }
}
