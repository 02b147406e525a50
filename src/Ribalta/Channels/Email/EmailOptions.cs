namespace Ribalta.Channels.Email;

internal sealed class EmailOptions
{
    public const string Section = "Email";

    /// <summary>Larger mail is left on the server and the case says so.</summary>
    public long MaxMessageBytes { get; init; } = 25 * 1024 * 1024;

    /// <summary>Files kept from one email; the rest stay in the original message.</summary>
    public int MaxAttachments { get; init; } = 20;

    /// <summary>Messages taken from one mailbox in one check; the rest wait for the next.</summary>
    public int MaxPerPoll { get; init; } = 200;

    /// <summary>How often the poller looks for mailboxes that are due.</summary>
    public TimeSpan PollerTick { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Mail not sent after this long is given up and the case says so.</summary>
    public TimeSpan GiveUpAfter { get; init; } = TimeSpan.FromHours(48);

    /// <summary>A mail that fails to be stored at this many checks in a row is set aside, with the error, for an administrator.</summary>
    public int SetAsideAfterFailures { get; init; } = 3;
}
