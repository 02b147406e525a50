using System.Threading.RateLimiting;

namespace Ribalta.Customers.PortalAccess;

/// <summary>
/// How often the sign-in page mails links: three an address in a quarter of an hour, twenty a network address in an
/// hour. Enough for a person who lost the first mail; too few to bury someone's inbox or to probe many addresses.
/// </summary>
internal sealed class PortalLinkLimits : IDisposable
{
    private readonly PartitionedRateLimiter<string> _perAddress = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions { PermitLimit = 3, Window = TimeSpan.FromMinutes(15), QueueLimit = 0 }));

    private readonly PartitionedRateLimiter<string> _perNetwork = PartitionedRateLimiter.Create<string, string>(network =>
        RateLimitPartition.GetFixedWindowLimiter(network, _ => new FixedWindowRateLimiterOptions { PermitLimit = 20, Window = TimeSpan.FromHours(1), QueueLimit = 0 }));

    public bool MaySend(string emailAddress, string networkAddress)
    {
        using var network = _perNetwork.AttemptAcquire(networkAddress);
        if (!network.IsAcquired)
        {
            return false;
        }

        using var address = _perAddress.AttemptAcquire(emailAddress.Trim().ToLowerInvariant());
        return address.IsAcquired;
    }

    public void Dispose()
    {
        _perAddress.Dispose();
        _perNetwork.Dispose();
    }
}
