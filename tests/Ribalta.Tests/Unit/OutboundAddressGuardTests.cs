using System.Net;
using Microsoft.Extensions.Options;
using Ribalta.Platform.Net;
using Ribalta.Tests.Infrastructure;
using Xunit;

namespace Ribalta.Tests.Unit;

[Trait("Suite", "Unit")]
public sealed class OutboundAddressGuardTests
{
    /// <summary>Every IANA special-purpose range (IPv4 and IPv6), multicast, and the forms that carry an IPv4 address inside.</summary>
    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("0.1.2.3")]
    [InlineData("10.0.0.1")]
    [InlineData("10.255.255.255")]
    [InlineData("100.64.0.1")]
    [InlineData("100.127.255.254")]
    [InlineData("127.0.0.1")]
    [InlineData("127.1.2.3")]
    [InlineData("169.254.169.254")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.0.0.8")]
    [InlineData("192.0.2.10")]
    [InlineData("192.31.196.1")]
    [InlineData("192.52.193.1")]
    [InlineData("192.88.99.1")]
    [InlineData("192.168.1.1")]
    [InlineData("192.175.48.1")]
    [InlineData("198.18.0.1")]
    [InlineData("198.19.255.255")]
    [InlineData("198.51.100.7")]
    [InlineData("203.0.113.9")]
    [InlineData("224.0.0.1")]
    [InlineData("239.255.255.250")]
    [InlineData("240.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::ffff:192.0.2.10")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("64:ff9b::7f00:1")]
    [InlineData("64:ff9b::c000:20a")]
    [InlineData("64:ff9b:1::808:808")]
    [InlineData("100::1")]
    [InlineData("2001::1")]
    [InlineData("2001:0:4136:e378::1")]
    [InlineData("2001:2::1")]
    [InlineData("2001:20::1")]
    [InlineData("2001:1ff::1")]
    [InlineData("2001:db8::1")]
    [InlineData("2002:7f00:1::1")]
    [InlineData("2002:c0a8:101::1")]
    [InlineData("2620:4f:8000::1")]
    [InlineData("3fff::1")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456::1")]
    [InlineData("fe80::1")]
    [InlineData("fec0::1")]
    [InlineData("ff02::1")]
    [InlineData("ff0e::1")]
    [InlineData("::a00:1")]
    [InlineData("4000::1")]
    public void Special_purpose_addresses_are_refused(string address) =>
        Assert.NotNull(SpecialPurposeAddresses.Purpose(IPAddress.Parse(address)));

    /// <summary>The reason a refusal gives is the range's own: an operator reading the log can tell loopback from a private network.</summary>
    [Theory]
    [InlineData("0.1.2.3", "this network")]
    [InlineData("10.1.2.3", "private")]
    [InlineData("100.64.1.2", "shared address space (carrier-grade NAT)")]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("169.254.169.254", "link-local (cloud metadata)")]
    [InlineData("172.16.5.4", "private")]
    [InlineData("192.0.0.9", "IETF protocol assignments")]
    [InlineData("192.0.2.1", "documentation (TEST-NET-1)")]
    [InlineData("192.31.196.1", "AS112")]
    [InlineData("192.52.193.1", "AMT")]
    [InlineData("192.88.99.1", "6to4 relay anycast (deprecated)")]
    [InlineData("192.168.1.1", "private")]
    [InlineData("192.175.48.1", "AS112 direct delegation")]
    [InlineData("198.18.0.1", "benchmarking")]
    [InlineData("198.51.100.1", "documentation (TEST-NET-2)")]
    [InlineData("203.0.113.1", "documentation (TEST-NET-3)")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("255.255.255.255", "reserved, broadcast")]
    [InlineData("::", "unspecified")]
    [InlineData("::1", "loopback")]
    [InlineData("64:ff9b:1::1", "local-use NAT64")]
    [InlineData("100::1", "discard-only")]
    [InlineData("2001:db8::1", "documentation")]
    [InlineData("2001::1", "IETF protocol assignments (Teredo, benchmarking, ORCHID)")]
    [InlineData("2620:4f:8000::1", "AS112")]
    [InlineData("3fff::1", "documentation")]
    [InlineData("fc00::1", "unique local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("fec0::1", "site-local (deprecated)")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("4000::1", "not global unicast")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("64:ff9b::a00:1", "private")]
    [InlineData("2002:c0a8:101::1", "private")]
    public void Each_special_range_is_named_by_its_purpose(string address, string purpose) =>
        Assert.Equal(purpose, SpecialPurposeAddresses.Purpose(IPAddress.Parse(address)));

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("93.184.216.34")]
    [InlineData("9.255.255.255")]
    [InlineData("11.0.0.1")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.1")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.1")]
    [InlineData("192.0.3.1")]
    [InlineData("192.169.0.1")]
    [InlineData("198.17.255.255")]
    [InlineData("198.20.0.1")]
    [InlineData("203.0.114.1")]
    [InlineData("223.255.255.254")]
    [InlineData("2606:4700::1111")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("2a00:1450:4001::1")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")]
    [InlineData("2002:808:808::1")]
    public void Public_addresses_are_allowed(string address) =>
        Assert.Null(SpecialPurposeAddresses.Purpose(IPAddress.Parse(address)));

    private static (OutboundAddressGuard Guard, FakeHostResolver Names) Guard(params string[] allowed)
    {
        var names = new FakeHostResolver();
        return (new OutboundAddressGuard(Options.Create(new OutboundOptions { AllowedHosts = [.. allowed] }), names), names);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("LOCALHOST")]
    [InlineData("localhost.")]
    [InlineData("Localhost.")]
    [InlineData("api.localhost")]
    [InlineData("a.b.LOCALHOST.")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.2")]
    [InlineData("[::1]")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("192.0.2.10")]
    [InlineData("0.0.0.0")]
    public void Names_for_this_machine_and_special_literals_are_refused_when_saved(string host) =>
        Assert.False(Guard().Guard.MayCall(host));

    [Fact]
    public void This_machines_own_name_and_addresses_are_refused_when_saved()
    {
        var (guard, names) = Guard();
        names.Own.Add(IPAddress.Parse("8.8.4.4"));

        Assert.False(guard.MayCall(Dns.GetHostName()));
        Assert.False(guard.MayCall(Dns.GetHostName().ToUpperInvariant() + "."));
        Assert.False(guard.MayCall("8.8.4.4"));
        Assert.True(guard.MayCall("8.8.8.8"));
        Assert.True(guard.MayCall("hooks.example.org"));
    }

    [Fact]
    public void Allowed_hosts_pass_as_written_whatever_their_case_or_trailing_dot()
    {
        var (guard, _) = Guard("127.0.0.1", "CRM.intranet.example.");

        Assert.True(guard.MayCall("127.0.0.1"));
        Assert.True(guard.MayCall("crm.intranet.example"));
        Assert.True(guard.MayCall("localhost", alsoAllowed: ["localhost"]));
        Assert.False(guard.MayCall("127.0.0.2"));
        Assert.False(guard.MayCall("localhost"));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("192.0.2.10")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("64:ff9b::a9fe:a9fe")]
    public async Task A_name_is_refused_when_it_resolves_to_a_special_address(string address)
    {
        var (guard, names) = Guard("127.0.0.1");
        names.Map("hooks.example.test", address);

        var refused = await Assert.ThrowsAsync<OutboundAddressRefusedException>(() => guard.CheckedAddressesAsync("hooks.example.test", null, default));
        Assert.Contains("hooks.example.test resolves to", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Outbound:AllowedHosts", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_address_a_name_resolves_to_is_checked_not_only_the_first()
    {
        var (guard, names) = Guard();
        names.Map("mixed.example.test", "8.8.8.8", "2606:4700::1111", "10.0.0.7");
        names.Map("mine.example.test", "8.8.8.8", "8.8.4.4");
        names.Own.Add(IPAddress.Parse("8.8.4.4"));

        var mixed = await Assert.ThrowsAsync<OutboundAddressRefusedException>(() => guard.CheckedAddressesAsync("mixed.example.test", null, default));
        Assert.Contains("10.0.0.7", mixed.Message, StringComparison.Ordinal);
        var mine = await Assert.ThrowsAsync<OutboundAddressRefusedException>(() => guard.CheckedAddressesAsync("mine.example.test", null, default));
        Assert.Contains("one of this machine's addresses", mine.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<OutboundAddressRefusedException>(() => guard.CheckedAddressesAsync("localhost.", null, default));
    }

    [Fact]
    public async Task A_public_name_and_an_allowed_internal_name_resolve_to_their_addresses()
    {
        var (guard, names) = Guard("crm.intranet.example");
        names.Map("hooks.example.org", "8.8.8.8", "2606:4700::1111");
        names.Map("crm.intranet.example", "10.0.0.7");

        Assert.Equal(2, (await guard.CheckedAddressesAsync("hooks.example.org", null, default)).Length);
        Assert.Equal(new[] { IPAddress.Parse("10.0.0.7") }, await guard.CheckedAddressesAsync("CRM.intranet.example.", null, default));
        Assert.Single(await guard.CheckedAddressesAsync("hooks.example.org.", null, default), IPAddress.Parse("8.8.8.8"));
    }

    [Fact]
    public async Task This_machines_address_written_IPv4_mapped_is_still_this_machine()
    {
        var (guard, names) = Guard();
        names.Own.Add(IPAddress.Parse("8.8.4.4"));
        names.Map("mapped.example.test", "::ffff:8.8.4.4");

        var mapped = await Assert.ThrowsAsync<OutboundAddressRefusedException>(() => guard.CheckedAddressesAsync("mapped.example.test", null, default));
        Assert.Contains("one of this machine's addresses", mapped.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_name_with_no_address_is_refused_with_that_reason()
    {
        var (guard, names) = Guard();
        names.Map("empty.example.test");

        var empty = await Assert.ThrowsAsync<OutboundAddressRefusedException>(() => guard.CheckedAddressesAsync("empty.example.test", null, default));
        Assert.Contains("has no address", empty.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_administrator_who_allows_a_name_for_this_machine_gets_it()
    {
        var (guard, names) = Guard("localhost");
        names.Map("localhost", "127.0.0.1");

        Assert.Equal(new[] { IPAddress.Parse("127.0.0.1") }, await guard.CheckedAddressesAsync("localhost", null, default));
    }

    [Fact]
    public void One_bad_entry_spoils_the_allow_list_however_many_good_ones_surround_it() =>
        Assert.False(new OutboundOptions { AllowedHosts = ["crm.intranet.example", "http://crm.intranet.example", "127.0.0.1"] }.HostsAreValid());

    [Fact]
    public void The_allow_list_takes_bare_hosts_only()
    {
        Assert.True(new OutboundOptions { AllowedHosts = ["crm.intranet.example", "CRM.intranet.example.", "127.0.0.1", "::1", "[::1]", "localhost"] }.HostsAreValid());
        foreach (var bad in new[] { "http://crm.intranet.example", "crm.intranet.example:8080", "crm.intranet.example/hooks", "", " " })
        {
            Assert.False(new OutboundOptions { AllowedHosts = [bad] }.HostsAreValid(), bad);
        }
    }
}
