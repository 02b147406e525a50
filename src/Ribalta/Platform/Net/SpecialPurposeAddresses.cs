using System.Net;
using System.Net.Sockets;

namespace Ribalta.Platform.Net;

/// <summary>
/// Addresses an outbound call never goes to unless an administrator allows the host: the IANA IPv4 and IPv6
/// special-purpose address registries, multicast, and every IPv6 address outside global unicast (2000::/3). Forms that
/// carry an IPv4 address (IPv4-mapped, well-known NAT64, 6to4) are judged by the IPv4 address they carry, so
/// <c>::ffff:127.0.0.1</c> is loopback and <c>64:ff9b::8.8.8.8</c> is public.
/// </summary>
internal static class SpecialPurposeAddresses
{
    private static readonly (IPNetwork Range, string Purpose)[] IPv4 =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "this network"),
        (IPNetwork.Parse("10.0.0.0/8"), "private"),
        (IPNetwork.Parse("100.64.0.0/10"), "shared address space (carrier-grade NAT)"),
        (IPNetwork.Parse("127.0.0.0/8"), "loopback"),
        (IPNetwork.Parse("169.254.0.0/16"), "link-local (cloud metadata)"),
        (IPNetwork.Parse("172.16.0.0/12"), "private"),
        (IPNetwork.Parse("192.0.0.0/24"), "IETF protocol assignments"),
        (IPNetwork.Parse("192.0.2.0/24"), "documentation (TEST-NET-1)"),
        (IPNetwork.Parse("192.31.196.0/24"), "AS112"),
        (IPNetwork.Parse("192.52.193.0/24"), "AMT"),
        (IPNetwork.Parse("192.88.99.0/24"), "6to4 relay anycast (deprecated)"),
        (IPNetwork.Parse("192.168.0.0/16"), "private"),
        (IPNetwork.Parse("192.175.48.0/24"), "AS112 direct delegation"),
        (IPNetwork.Parse("198.18.0.0/15"), "benchmarking"),
        (IPNetwork.Parse("198.51.100.0/24"), "documentation (TEST-NET-2)"),
        (IPNetwork.Parse("203.0.113.0/24"), "documentation (TEST-NET-3)"),
        (IPNetwork.Parse("224.0.0.0/4"), "multicast"),
        (IPNetwork.Parse("240.0.0.0/4"), "reserved, broadcast"),
    ];

    private static readonly (IPNetwork Range, string Purpose)[] IPv6 =
    [
        (IPNetwork.Parse("::/128"), "unspecified"),
        (IPNetwork.Parse("::1/128"), "loopback"),

        // Local-use NAT64 (RFC 8215): a network's own translators, which choose where the IPv4 address sits.
        (IPNetwork.Parse("64:ff9b:1::/48"), "local-use NAT64"),
        (IPNetwork.Parse("100::/64"), "discard-only"),
        (IPNetwork.Parse("2001:db8::/32"), "documentation"),
        (IPNetwork.Parse("2001::/23"), "IETF protocol assignments (Teredo, benchmarking, ORCHID)"),
        (IPNetwork.Parse("2620:4f:8000::/48"), "AS112"),
        (IPNetwork.Parse("3fff::/20"), "documentation"),
        (IPNetwork.Parse("fc00::/7"), "unique local"),
        (IPNetwork.Parse("fe80::/10"), "link-local"),
        (IPNetwork.Parse("fec0::/10"), "site-local (deprecated)"),
        (IPNetwork.Parse("ff00::/8"), "multicast"),
    ];

    private static readonly IPNetwork GlobalUnicast = IPNetwork.Parse("2000::/3");
    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    /// <summary>What the address is for when it is special ("loopback", "documentation (TEST-NET-1)"), or null when it is public.</summary>
    public static string? Purpose(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && Embedded(address) is { } carried)
        {
            return Purpose(carried);
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return Array.Find(IPv4, r => r.Range.Contains(address)).Purpose;
        }

        return Array.Find(IPv6, r => r.Range.Contains(address)).Purpose ?? (GlobalUnicast.Contains(address) ? null : "not global unicast");
    }

    /// <summary>The IPv4 address inside an IPv4-mapped (::ffff:0:0/96), well-known NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address.</summary>
    public static IPAddress? Embedded(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();
        if (Nat64.Contains(address))
        {
            return new IPAddress(bytes.AsSpan(12, 4));
        }

        return SixToFour.Contains(address) ? new IPAddress(bytes.AsSpan(2, 4)) : null;
    }
}
