using System.Collections.Concurrent;
using Ribalta.Platform.Events;

namespace Ribalta.Tests.Infrastructure;

/// <summary>Remembers every event the dispatcher hands to subscribers, to prove they arrive after commit and only then.</summary>
public sealed class RecordingEventSubscriber : IEventSubscriber
{
    private readonly ConcurrentQueue<EventRecord> _received = new();

    public IReadOnlyCollection<EventRecord> Received => _received;

    public Task HandleAsync(IReadOnlyList<EventRecord> events, CancellationToken cancellationToken)
    {
        foreach (var e in events)
        {
            _received.Enqueue(e);
        }

        return Task.CompletedTask;
    }

    public async Task<EventRecord?> WaitForAsync(Func<EventRecord, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_received.FirstOrDefault(match) is { } found)
            {
                return found;
            }

            await Task.Delay(20);
        }

        return null;
    }
}
