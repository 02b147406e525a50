using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.SignalR;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Contracts.Events;
using Ribalta.Platform.Events;

namespace Ribalta.Channels.Chat;

/// <summary>
/// Which chats have their visitor here right now (in this instance), and whether they are typing; the case page shows
/// it, and a staff reply to a visitor who has gone is mailed instead (when they left an address).
/// </summary>
internal sealed class ChatPresence
{
    private static readonly TimeSpan TypingFor = TimeSpan.FromSeconds(6);
    private readonly Lock _gate = new();
    private readonly Dictionary<long, HashSet<string>> _visitors = [];
    private readonly Dictionary<long, DateTimeOffset> _typingUntil = [];

    public event Action<long>? Changed;

    public void Join(long caseId, string connectionId)
    {
        bool added;
        lock (_gate)
        {
            if (!_visitors.TryGetValue(caseId, out var connections))
            {
                _visitors[caseId] = connections = [];
            }

            added = connections.Add(connectionId);
        }

        if (added)
        {
            Changed?.Invoke(caseId);
        }
    }

    public void Leave(long caseId, string connectionId)
    {
        bool removed;
        lock (_gate)
        {
            removed = _visitors.TryGetValue(caseId, out var connections) && connections.Remove(connectionId);
            if (removed && connections!.Count == 0)
            {
                _visitors.Remove(caseId);
                _typingUntil.Remove(caseId);
            }
        }

        if (removed)
        {
            Changed?.Invoke(caseId);
        }
    }

    public bool IsOnline(long caseId)
    {
        lock (_gate)
        {
            return _visitors.ContainsKey(caseId);
        }
    }

    /// <summary>The visitor is (or stopped) typing; a "typing" nobody renews lapses after a few seconds.</summary>
    public void Typing(long caseId, bool typing, DateTimeOffset now)
    {
        bool changed;
        lock (_gate)
        {
            var before = _typingUntil.TryGetValue(caseId, out var until) && until > now;
            if (typing && _visitors.ContainsKey(caseId))
            {
                _typingUntil[caseId] = now + TypingFor;
            }
            else
            {
                _typingUntil.Remove(caseId);
            }

            changed = before != (typing && _visitors.ContainsKey(caseId));
        }

        if (changed)
        {
            Changed?.Invoke(caseId);
        }
    }

    public bool IsTyping(long caseId, DateTimeOffset now)
    {
        lock (_gate)
        {
            return _typingUntil.TryGetValue(caseId, out var until) && until > now;
        }
    }
}

/// <summary>
/// Brings what staff (or the visitor in another tab) committed to the visitor's widget: after each commit, the case's
/// new lines go to every connection of its chat. Also tells the visitor when an agent is writing to them.
/// Lines may arrive twice (a commit seen both in the history and by the relay); the widget keeps one per id.
/// </summary>
internal sealed partial class ChatRelay : IDisposable
{
    private static readonly HashSet<string> Carried = [CaseReplied.Type, CaseCustomerWrote.Type, CaseReopened.Type];
    private readonly IHubContext<ChatHub> _hub;
    private readonly ChatPresence _visitors;
    private readonly IStaffPresence _staff;
    private readonly IServiceScopeFactory _scopes;
    private readonly ILogger<ChatRelay> _logger;
    private readonly ConcurrentDictionary<long, bool> _agentTyping = new();

    public ChatRelay(IHubContext<ChatHub> hub, ChatPresence visitors, IStaffPresence staff, IServiceScopeFactory scopes, ILogger<ChatRelay> logger)
    {
        (_hub, _visitors, _staff, _scopes, _logger) = (hub, visitors, staff, scopes, logger);
        _staff.Changed += OnStaffChanged;
        _visitors.Changed += OnVisitorsChanged;
    }

    public static string Group(long caseId) => "case:" + caseId.ToString(CultureInfo.InvariantCulture);

    public async Task RelayAsync(IReadOnlyList<EventRecord> events, CancellationToken ct)
    {
        var cases = events
            .Where(e => e.SubjectType == "case" && Carried.Contains(e.Type) && long.TryParse(e.SubjectId, CultureInfo.InvariantCulture, out _))
            .GroupBy(e => long.Parse(e.SubjectId, CultureInfo.InvariantCulture))
            .Where(g => _visitors.IsOnline(g.Key))
            .ToList();
        if (cases.Count == 0)
        {
            return;
        }

        await using var scope = _scopes.CreateAsyncScope();
        var chats = scope.ServiceProvider.GetRequiredService<ChatService>();
        foreach (var chat in cases)
        {
            // A message and its event share a moment, give or take the time it took to write them.
            var since = chat.Min(e => e.OccurredAt) - TimeSpan.FromSeconds(5);
            foreach (var line in await chats.SinceAsync(chat.Key, since, ct))
            {
                await _hub.Clients.Group(Group(chat.Key)).SendAsync("message", line, ct);
            }

            if (chat.Any(e => e.Type == CaseReplied.Type))
            {
                _agentTyping.TryRemove(chat.Key, out _);
                await _hub.Clients.Group(Group(chat.Key)).SendAsync("agentTyping", false, ct);
            }
        }
    }

    /// <summary>Whether someone on the staff is writing a reply on the case right now.</summary>
    public bool AgentTyping(long caseId) => _staff.AnyoneReplying(caseId);

    private void OnStaffChanged(long caseId)
    {
        if (!_visitors.IsOnline(caseId))
        {
            // Nobody to tell; a visitor who comes back is told the state as it is then.
            _agentTyping.TryRemove(caseId, out _);
            return;
        }

        var typing = AgentTyping(caseId);
        if (_agentTyping.TryGetValue(caseId, out var before) && before == typing)
        {
            return;
        }

        _agentTyping[caseId] = typing;
        _ = SendTypingAsync(caseId, typing);
    }

    private async Task SendTypingAsync(long caseId, bool typing)
    {
        try
        {
            await _hub.Clients.Group(Group(caseId)).SendAsync("agentTyping", typing);
        }
        catch (Exception ex)
        {
            LogTypingFailed(_logger, ex, caseId);
        }
    }

    private void OnVisitorsChanged(long caseId)
    {
        if (!_visitors.IsOnline(caseId))
        {
            _agentTyping.TryRemove(caseId, out _);
        }
    }

    public void Dispose()
    {
        _staff.Changed -= OnStaffChanged;
        _visitors.Changed -= OnVisitorsChanged;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Telling chat {CaseId} an agent is typing failed")]
    private static partial void LogTypingFailed(ILogger logger, Exception exception, long caseId);
}

/// <summary>Hands committed events to the relay.</summary>
internal sealed class ChatRelaySubscriber(ChatRelay relay) : IEventSubscriber
{
    public Task HandleAsync(IReadOnlyList<EventRecord> events, CancellationToken cancellationToken) => relay.RelayAsync(events, cancellationToken);
}
