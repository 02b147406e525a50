using System.Net;
using System.Net.NetworkInformation;

namespace Ribalta.Platform.Net;

/// <summary>Names to addresses, and this machine's own addresses: what the guard asks the network (tests answer for it).</summary>
internal interface IHostResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct);

    /// <summary>The addresses of this machine's network interfaces.</summary>
    IReadOnlyCollection<IPAddress> OwnAddresses();
}

internal sealed class DnsHostResolver : IHostResolver
{
    private volatile OwnSnapshot? _own;

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) => Dns.GetHostAddressesAsync(host, ct);

    /// <summary>Read again at most once a minute: interfaces change rarely, connections happen often.</summary>
    public IReadOnlyCollection<IPAddress> OwnAddresses()
    {
        if (_own is { } own && Environment.TickCount64 - own.ReadAt < 60_000)
        {
            return own.Addresses;
        }

        var addresses = NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses).Select(u => OutboundAddressGuard.Plain(u.Address)).ToHashSet();
        _own = new OwnSnapshot(Environment.TickCount64, addresses);
        return addresses;
    }

    private sealed record OwnSnapshot(long ReadAt, IReadOnlyCollection<IPAddress> Addresses);
}
