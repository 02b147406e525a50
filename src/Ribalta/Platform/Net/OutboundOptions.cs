namespace Ribalta.Platform.Net;

/// <summary>Hosts an administrator allows Ribalta to call although they are internal (an on-premises CRM, a mail server on this machine).</summary>
public sealed class OutboundOptions
{
    public const string Section = "Outbound";

    /// <summary>Host names or IP literals, compared as written in the URL or mailbox setting (case and a trailing dot aside), never by what they resolve to.</summary>
    public List<string> AllowedHosts { get; init; } = [];

    /// <summary>Every entry a bare host: a name or an IP address, without scheme, port or path.</summary>
    public bool HostsAreValid() =>
        AllowedHosts.All(h => !string.IsNullOrWhiteSpace(h) && Uri.CheckHostName(OutboundAddressGuard.Normalise(h)) != UriHostNameType.Unknown);
}
