using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Ribalta.Platform.Net;

namespace Ribalta.Tests.Infrastructure;

/// <summary>
/// Names a test decides (<c>hooks.example.test</c> → 127.0.0.1), as DNS would answer them; other names go to the real
/// resolver when there is one. This machine's addresses are the real ones plus any a test adds.
/// </summary>
internal sealed class FakeHostResolver(IHostResolver? real = null) : IHostResolver
{
    private readonly ConcurrentDictionary<string, IPAddress[]> _names = new(StringComparer.OrdinalIgnoreCase);

    public HashSet<IPAddress> Own { get; } = [];

    public void Map(string host, params string[] addresses) => _names[host] = addresses.Select(IPAddress.Parse).ToArray();

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) =>
        _names.TryGetValue(host, out var addresses) ? Task.FromResult(addresses)
        : real?.ResolveAsync(host, ct) ?? Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound));

    public IReadOnlyCollection<IPAddress> OwnAddresses() => real is null ? Own : [.. Own, .. real.OwnAddresses()];
}
