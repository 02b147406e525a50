using Microsoft.Extensions.Options;

namespace Ribalta.Channels.Chat;

/// <summary>Which limit refused a new chat.</summary>
internal enum ChatStartLimit
{
    Visitor,
    Widget,
    Address,
}

/// <summary>
/// How fast visitors may go, on the injected clock. New chats are limited per visitor (the id the widget keeps in the
/// browser), per widget (so a flood cannot bury the front line) and per network address, only as a high ceiling:
/// an office or a mobile carrier puts many people behind one address. Every call draws from a token bucket per
/// connection, and each chat's lines from one per chat, so one script cannot flood the front line with lines.
/// </summary>
internal sealed class ChatLimits(IOptions<ChatOptions> options, TimeProvider clock)
{
    private readonly object _sync = new();
    private readonly StartWindows _visitors = new(TimeSpan.FromHours(1));
    private readonly StartWindows _widgets = new(TimeSpan.FromMinutes(1));
    private readonly StartWindows _addresses = new(TimeSpan.FromHours(1));
    private readonly Dictionary<long, ClockBucket> _chats = [];
    private DateTimeOffset _chatsSweptAt;

    /// <summary>
    /// Counts a new chat against every limit, or none when one refuses (a refused start uses up nothing). A start
    /// without a visitor id (not from the widget) meets only the widget's and the address's limits.
    /// </summary>
    public ChatStartLimit? TryStart(WidgetView widget, string? visitorId, string address)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        var visitor = ChatVisitorId.IsValid(visitorId) ? widget.Id.ToString("N") + ":" + visitorId : null;
        ChatStartLimit? refused;
        lock (_sync)
        {
            refused = visitor is not null && !_visitors.Has(visitor, o.StartsPerHourPerVisitor, now) ? ChatStartLimit.Visitor
                : !_widgets.Has(widget.Id.ToString("N"), o.StartsPerMinutePerWidget, now) ? ChatStartLimit.Widget
                : !_addresses.Has(address, o.StartsPerHourPerAddress, now) ? ChatStartLimit.Address
                : null;
            if (refused is null)
            {
                if (visitor is not null)
                {
                    _visitors.Take(visitor, now);
                }

                _widgets.Take(widget.Id.ToString("N"), now);
                _addresses.Take(address, now);
            }
        }

        // Logged once, by the hub's refusal logging (ChatRefusalLogging): one information line with the sentence.
        return refused;
    }

    /// <summary>The sentence the visitor reads, by the limit that refused.</summary>
    public static string Refusal(ChatStartLimit limit) => limit switch
    {
        ChatStartLimit.Visitor => "Chat.StartLimit.Visitor",
        ChatStartLimit.Widget => "Chat.StartLimit.Widget",
        _ => "Chat.TooManyChats",
    };

    public bool MaySend(long sessionId)
    {
        var now = clock.GetUtcNow();
        ClockBucket bucket;
        lock (_sync)
        {
            // Buckets of chats quiet for a while are full again, so forgetting them changes nothing.
            if (now - _chatsSweptAt > TimeSpan.FromMinutes(5))
            {
                foreach (var id in _chats.Where(c => c.Value.IsFull).Select(c => c.Key).ToList())
                {
                    _chats.Remove(id);
                }

                _chatsSweptAt = now;
            }

            if (!_chats.TryGetValue(sessionId, out bucket!))
            {
                bucket = ForConnection();
                _chats[sessionId] = bucket;
            }
        }

        return bucket.TryTake();
    }

    public ClockBucket ForConnection() => new(options.Value.Burst, options.Value.PerSecond, clock);
}

/// <summary>The id the widget keeps in the visitor's browser: a random string, never a secret, never trusted as identity.</summary>
internal static class ChatVisitorId
{
    public const int MaxLength = 64;

    public static bool IsValid(string? id) =>
        id is { Length: >= 8 and <= MaxLength } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}

/// <summary>Starts counted per key in fixed windows of the clock; windows that have passed are forgotten now and then.</summary>
internal sealed class StartWindows(TimeSpan length)
{
    private readonly Dictionary<string, (DateTimeOffset Opened, int Count)> _windows = [];
    private DateTimeOffset _sweptAt;

    public bool Has(string key, int limit, DateTimeOffset now) => Count(key, now) < limit;

    public void Take(string key, DateTimeOffset now)
    {
        if (now - _sweptAt >= length)
        {
            foreach (var (passed, _) in _windows.Where(w => now - w.Value.Opened >= length).ToList())
            {
                _windows.Remove(passed);
            }

            _sweptAt = now;
        }

        _windows[key] = _windows.TryGetValue(key, out var window) && now - window.Opened < length ? (window.Opened, window.Count + 1) : (now, 1);
    }

    private int Count(string key, DateTimeOffset now) =>
        _windows.TryGetValue(key, out var window) && now - window.Opened < length ? window.Count : 0;
}

/// <summary>A token bucket on the injected clock: <c>limit</c> calls at once, <c>perSecond</c> earned back each second.</summary>
internal sealed class ClockBucket(int limit, int perSecond, TimeProvider clock)
{
    private readonly object _sync = new();
    private double _tokens = limit;
    private DateTimeOffset _at = clock.GetUtcNow();

    public bool IsFull
    {
        get
        {
            lock (_sync)
            {
                Refill();
                return _tokens >= limit;
            }
        }
    }

    public bool TryTake()
    {
        lock (_sync)
        {
            Refill();
            if (_tokens < 1)
            {
                return false;
            }

            _tokens--;
            return true;
        }
    }

    private void Refill()
    {
        var now = clock.GetUtcNow();
        // A clock moved back (or a fake one) earns nothing; only time that passed does.
        if (now > _at)
        {
            _tokens = Math.Min(limit, _tokens + ((now - _at).TotalSeconds * perSecond));
            _at = now;
        }
    }
}
