using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Ribalta.Platform.Net;

/// <summary>Why a host may not be called: the address, and what it is.</summary>
internal sealed class OutboundAddressRefusedException(string message) : Exception(message);

/// <summary>
/// Keeps outbound connections (webhooks, mailboxes) away from this machine and the networks behind it. A host is refused
/// when it is a name for this machine (<c>localhost</c>, <c>*.localhost</c>, the machine's name) or when any address it
/// resolves to is special-purpose (<see cref="SpecialPurposeAddresses"/>) or one of this machine's own interface
/// addresses; unless an administrator allows the host (<c>Outbound:AllowedHosts</c>). The check is made when connecting,
/// on every address the name resolves to, and the connection goes only to those addresses, so a name that resolves
/// (or re-resolves) somewhere internal is refused, not just a literal caught when the setting is saved.
/// </summary>
internal sealed class OutboundAddressGuard(IOptions<OutboundOptions> options, IHostResolver resolver)
{
    /// <summary>The host as compared: no brackets around an IPv6 literal, no trailing dot, lower case.</summary>
    public static string Normalise(string host) => host.Trim().TrimStart('[').TrimEnd(']').TrimEnd('.').ToLowerInvariant();

    /// <summary>An IPv4-mapped IPv6 address as the IPv4 address it is.</summary>
    public static IPAddress Plain(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    public bool IsAllowedHost(string host, IEnumerable<string>? alsoAllowed = null)
    {
        var normalised = Normalise(host);
        return options.Value.AllowedHosts.Concat(alsoAllowed ?? []).Any(a => Normalise(a) == normalised);
    }

    /// <summary>
    /// When a setting is saved: false when this host can never be called (a name for this machine, or a special-purpose
    /// or own address written as a literal). Other names are judged when connecting, by what they resolve to then.
    /// </summary>
    public bool MayCall(string host, IEnumerable<string>? alsoAllowed = null)
    {
        if (IsAllowedHost(host, alsoAllowed))
        {
            return true;
        }

        var normalised = Normalise(host);
        return IPAddress.TryParse(normalised, out var literal) ? AddressRefusal(literal) is null : !IsThisMachine(normalised);
    }

    /// <summary>The host's addresses, each checked; throws <see cref="OutboundAddressRefusedException"/> with the reason when any is refused.</summary>
    public async Task<IPAddress[]> CheckedAddressesAsync(string host, IEnumerable<string>? alsoAllowed, CancellationToken ct)
    {
        var normalised = Normalise(host);
        var allowed = IsAllowedHost(host, alsoAllowed);
        if (!allowed && !IPAddress.TryParse(normalised, out _) && IsThisMachine(normalised))
        {
            throw Refused(host, "is a name for this machine");
        }

        var addresses = IPAddress.TryParse(normalised, out var literal) ? [literal] : await resolver.ResolveAsync(normalised, ct);
        if (addresses.Length == 0)
        {
            throw new OutboundAddressRefusedException($"{host} has no address.");
        }

        if (!allowed)
        {
            foreach (var address in addresses)
            {
                if (AddressRefusal(address) is { } reason)
                {
                    throw Refused(host, literal is null ? $"resolves to {Plain(address)}, {reason}" : $"is {reason}");
                }
            }
        }

        return addresses;
    }

    /// <summary>A TCP connection to the host, made only to addresses the guard checked (the caller keeps the host name for TLS).</summary>
    public async Task<Socket> ConnectAsync(string host, int port, IEnumerable<string>? alsoAllowed, CancellationToken ct)
    {
        var addresses = await CheckedAddressesAsync(host, alsoAllowed, ct);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, port, ct);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// An HTTP client that connects only through the guard, uses no proxy (the guard would check the proxy instead of the
    /// target) and never follows redirects (a redirect would be a second target nobody checked).
    /// </summary>
    public HttpClient CreateHttpClient(IEnumerable<string> alsoAllowed, TimeSpan timeout)
    {
        var also = alsoAllowed.ToList();
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = async (context, ct) =>
                new NetworkStream(await ConnectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, also, ct), ownsSocket: true),
        };
        return new HttpClient(handler) { Timeout = timeout };
    }

    /// <summary>Why an address is refused ("a special-purpose address (loopback)"), or null when it may be called.</summary>
    private string? AddressRefusal(IPAddress address)
    {
        var plain = Plain(address);
        if (SpecialPurposeAddresses.Purpose(plain) is { } purpose)
        {
            return $"a special-purpose address ({purpose})";
        }

        return resolver.OwnAddresses().Contains(plain) ? "one of this machine's addresses" : null;
    }

    private static bool IsThisMachine(string name) =>
        name == "localhost" || name.EndsWith(".localhost", StringComparison.Ordinal) || name == Normalise(Dns.GetHostName());

    private static OutboundAddressRefusedException Refused(string host, string reason) =>
        new($"Refused: {host} {reason}. An administrator can allow the host in Outbound:AllowedHosts.");
}
