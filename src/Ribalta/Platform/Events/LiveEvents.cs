using System.Collections.Immutable;

namespace Ribalta.Platform.Events;

/// <summary>
/// Fans committed events out to open staff screens (Blazor circuits) in this process, so lists and cases update
/// without a reload. Listeners must be quick; anything slow belongs in its own queue.
/// </summary>
public sealed partial class LiveEvents(ILogger<LiveEvents> logger)
{
    private ImmutableList<Func<IReadOnlyList<EventRecord>, Task>> _listeners = [];

    public IDisposable Listen(Func<IReadOnlyList<EventRecord>, Task> listener)
    {
        ImmutableInterlocked.Update(ref _listeners, l => l.Add(listener));
        return new Subscription(() => ImmutableInterlocked.Update(ref _listeners, l => l.Remove(listener)));
    }

    /// <summary>Starts every listener and returns: one slow screen never delays the others, or the next events.</summary>
    internal Task PublishAsync(IReadOnlyList<EventRecord> events)
    {
        foreach (var listener in _listeners)
        {
            _ = RunAsync(listener, events);
        }

        return Task.CompletedTask;
    }

    private async Task RunAsync(Func<IReadOnlyList<EventRecord>, Task> listener, IReadOnlyList<EventRecord> events)
    {
        try
        {
            await listener(events);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogListenerFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A live listener failed")]
    private static partial void LogListenerFailed(ILogger logger, Exception exception);

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }
}

/// <summary>Bridges the committed-event dispatcher to <see cref="LiveEvents"/>.</summary>
internal sealed class LiveEventsSubscriber(LiveEvents live) : IEventSubscriber
{
    public Task HandleAsync(IReadOnlyList<EventRecord> events, CancellationToken cancellationToken) => live.PublishAsync(events);
}
