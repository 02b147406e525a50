using Ribalta.Platform.Data;
using Ribalta.Platform.Events;

namespace Ribalta.Platform.Notifications;

/// <summary>Wakes the notification reader when events were committed.</summary>
internal sealed class NotificationSignal : WakeSignal;

internal sealed class NotificationEventSubscriber(NotificationSignal signal) : IEventSubscriber
{
    public Task HandleAsync(IReadOnlyList<EventRecord> events, CancellationToken cancellationToken)
    {
        signal.Wake();
        return Task.CompletedTask;
    }
}

/// <summary>
/// Reads the event log through the <see cref="EventFeed"/> (consumer <c>notifications</c>, from the end of the log: a new
/// installation does not notify about its history) and hands each event to the <see cref="INotificationSource"/>s that
/// read its type. What they ask for is added in the transaction that moves the cursor, with <c>event:&lt;id&gt;</c> as the
/// source, so a batch read again adds nothing. Woken by committed events, and every few seconds for events committed
/// on another node.
/// </summary>
internal sealed partial class NotificationFeed(
    EventFeed feed, NotificationSignal signal, IEnumerable<INotificationSource> sources, INotifier notifier, IHostApplicationLifetime lifetime, ILogger<NotificationFeed> logger)
    : BackgroundService
{
    public const string Consumer = "notifications";

    private const int BatchSize = 500;

    /// <summary>
    /// How long the reader lets events gather after being woken: under a steady stream of commits (batch ingest) it reads
    /// them in a few large batches instead of a transaction per commit; a person waits a fraction of a second longer.
    /// </summary>
    private static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(200);

    private readonly Reader _reader = new(sources, notifier, logger);

    /// <summary>Reads what the log holds now, batch after batch (the loop does this; tests call it to catch up at once).</summary>
    public async Task CatchUpAsync(CancellationToken ct)
    {
        while (await feed.ReadAsync(_reader, BatchSize, ct) == BatchSize)
        {
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The schema is migrated while the host starts; the log is read only once it has.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await CatchUpAsync(stoppingToken);
                failing = false;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // Said once per outage; the same events come again on the next round.
                if (!failing)
                {
                    failing = true;
                    LogRoundFailed(logger, ex);
                }
            }

            if (await signal.WaitAsync(TimeSpan.FromSeconds(5), stoppingToken))
            {
                await Task.Delay(Gather, stoppingToken);
            }
        }
    }

    private sealed class Reader(IEnumerable<INotificationSource> sources, INotifier notifier, ILogger logger) : IEventConsumer
    {
        private readonly ILookup<string, INotificationSource> _byType = sources.SelectMany(s => s.EventTypes.Select(t => (Type: t, Source: s))).ToLookup(x => x.Type, x => x.Source, StringComparer.Ordinal);

        public string Name => Consumer;

        public FeedStart StartsAt => FeedStart.End;

        /// <summary>Only the types some source reads are loaded; the cursor passes the rest unread.</summary>
        public IReadOnlySet<string>? Reads { get; } = sources.SelectMany(s => s.EventTypes).ToHashSet(StringComparer.Ordinal);

        public async Task HandleAsync(RibaltaDbContext db, IReadOnlyList<EventRecord> events, CancellationToken ct)
        {
            foreach (var record in events)
            {
                foreach (var source in _byType[record.Type])
                {
                    var actor = new Actor(record.ActorKind, record.ActorId, record.ActorName ?? "");
                    IReadOnlyList<EventNotification> drafts;
                    try
                    {
                        drafts = await source.DraftAsync(db, record, ct);
                    }
                    catch (System.Text.Json.JsonException ex)
                    {
                        // A payload its reader cannot read would stop every notification behind it: it is skipped, and said.
                        LogUnreadable(logger, ex, record.Id, record.Type);
                        continue;
                    }

                    foreach (var wanted in drafts)
                    {
                        await notifier.NotifyAsync(db, actor, wanted.Recipients, wanted.Draft with { Source = $"event:{record.Id}" }, ct);
                    }
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Event {EventId} ({Type}) could not be read for notifications; skipped")]
    private static partial void LogUnreadable(ILogger logger, Exception exception, long eventId, string type);

    [LoggerMessage(Level = LogLevel.Error, Message = "The notification reader failed a round; it reads the same events again")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}
