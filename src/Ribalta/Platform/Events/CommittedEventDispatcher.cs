using System.Threading.Channels;

namespace Ribalta.Platform.Events;

/// <summary>Told about events only after the transaction that wrote them committed. Must not throw for one bad event.</summary>
public interface IEventSubscriber
{
    Task HandleAsync(IReadOnlyList<EventRecord> events, CancellationToken cancellationToken);
}

/// <summary>
/// Fans committed events out to subscribers on a background loop, so a slow subscriber never slows the request
/// that wrote them. The log itself is the durable record: a subscriber that needs every event reads the table.
/// </summary>
public sealed partial class CommittedEventDispatcher(IServiceScopeFactory scopes, ILogger<CommittedEventDispatcher> logger) : BackgroundService
{
    private readonly Channel<IReadOnlyList<EventRecord>> _queue =
        Channel.CreateBounded<IReadOnlyList<EventRecord>>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });

    internal void Publish(IReadOnlyList<EventRecord> committed)
    {
        if (committed.Count > 0 && !_queue.Writer.TryWrite(committed))
        {
            LogDropped(logger, committed.Count);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var batch in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            await using var scope = scopes.CreateAsyncScope();
            foreach (var subscriber in scope.ServiceProvider.GetServices<IEventSubscriber>())
            {
                try
                {
                    await subscriber.HandleAsync(batch, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogSubscriberFailed(logger, ex, subscriber.GetType().Name);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live event queue full: {Count} events not pushed to subscribers (they remain in the log)")]
    private static partial void LogDropped(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Event subscriber {Subscriber} failed")]
    private static partial void LogSubscriberFailed(ILogger logger, Exception exception, string subscriber);
}
