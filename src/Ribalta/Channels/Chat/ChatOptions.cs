namespace Ribalta.Channels.Chat;

internal sealed class ChatOptions
{
    public const string Section = "Chat";

    /// <summary>The longest message a visitor may send in one go.</summary>
    public int MaxMessageLength { get; init; } = 4000;

    /// <summary>Messages (and other calls) one connection may make at once before it must slow down.</summary>
    public int Burst { get; init; } = 10;

    /// <summary>Calls per second one connection earns back after a burst.</summary>
    public int PerSecond { get; init; } = 1;

    /// <summary>New chats one visitor (the id the widget keeps in their browser) may start on a widget in an hour.</summary>
    public int StartsPerHourPerVisitor { get; init; } = 10;

    /// <summary>New chats one widget takes in a minute, from everyone together: a flood does not bury the front line.</summary>
    public int StartsPerMinutePerWidget { get; init; } = 60;

    /// <summary>
    /// New chats one network address may start in an hour: a coarse ceiling only, high enough for an office or a mobile
    /// carrier that puts many visitors behind one address.
    /// </summary>
    public int StartsPerHourPerAddress { get; init; } = 300;

    /// <summary>Every limit at least one: a limit of zero would turn the widget off without saying so.</summary>
    public bool LimitsAreValid() =>
        MaxMessageLength >= 1 && Burst >= 1 && PerSecond >= 1 && StartsPerHourPerVisitor >= 1 && StartsPerMinutePerWidget >= 1 && StartsPerHourPerAddress >= 1
        && ResumeFor > TimeSpan.Zero;

    /// <summary>
    /// How long after its last line a browser can come back to a chat it left open. Short, because the browser may be
    /// shared (a library, a shop's kiosk); a visitor who left an address gets the answers by email anyway.
    /// </summary>
    public TimeSpan ResumeFor { get; init; } = TimeSpan.FromHours(24);
}
