using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Ribalta.Platform.Data;
using Ribalta.Platform.Events;
using Ribalta.Platform.Net;

namespace Ribalta.Platform.Integrations;

/// <summary>Wakes the dispatcher when there may be work (events committed, a replay queued).</summary>
internal sealed class WebhookSignal : Events.WakeSignal;

internal sealed class WebhookEventSubscriber(WebhookSignal signal) : IEventSubscriber
{
    public Task HandleAsync(IReadOnlyList<EventRecord> events, CancellationToken cancellationToken)
    {
        signal.Wake();
        return Task.CompletedTask;
    }
}

/// <summary>
/// Delivers the event log to subscribed URLs. It reads new events after its cursor and writes one delivery per
/// matching subscription in the same transaction as the cursor (the outbox), then sends what is due: a signed POST
/// (<c>Ribalta-Signature: t=…,v1=HMAC-SHA256(secret, "t.body")</c>), 2xx is delivered, anything else (a redirect
/// included) is retried with growing waits, and after the last attempt the delivery is marked failed (an admin can
/// replay it). Nothing is sent before it is committed; a crash between sending and recording means at most a
/// repeat, which receivers recognise by <c>Ribalta-Delivery</c> and the event id.
/// </summary>
internal sealed partial class WebhookDispatcher(
    IServiceScopeFactory scopes, EventFeed feed, WebhookSignal signal, OutboundAddressGuard guard, IOptions<WebhookOptions> options, IHostApplicationLifetime lifetime, TimeProvider clock, ILogger<WebhookDispatcher> logger)
    : BackgroundService
{
    /// <summary>Waits before attempts 2, 3, …: a receiver down for a day still gets everything.</summary>
    public static readonly TimeSpan[] Backoff =
        [TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(6), TimeSpan.FromHours(12)];

    private const int BatchSize = 200;

    private const long IdleCursorInterval = 60_000;

    private long _idleCursorMovedAt = long.MinValue / 2;

    private readonly Enqueuer _enqueuer = new(clock);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The schema is migrated while the host starts; the log is read only once it has.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        // Connects only where the outbound guard allows, checked on every address a name resolves to, at connect time.
        using var http = guard.CreateHttpClient(options.Value.AllowedHosts, options.Value.Timeout);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await EnqueueAsync(stoppingToken) == BatchSize)
                {
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogLoopFailed(logger, ex);
            }

            // Deliveries already written go out even when reading the log failed this round.
            try
            {
                await SendDueAsync(http, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogLoopFailed(logger, ex);
            }

            // Woken by new events; otherwise a look every few seconds for retries that came due.
            await signal.WaitAsync(TimeSpan.FromSeconds(5), stoppingToken);
        }
    }

    /// <summary>Reads the log after the webhooks' cursor (<see cref="EventFeed"/>) and writes the deliveries it asks for.</summary>
    private async Task<int> EnqueueAsync(CancellationToken ct)
    {
        // Without subscriptions no event needs a row: the cursor only keeps up, once a minute and in one statement,
        // so a busy writer (thousands of messages a second) never waits for webhooks nobody asked for.
        bool any;
        await using (var scope = scopes.CreateAsyncScope())
        {
            any = await scope.ServiceProvider.GetRequiredService<RibaltaDbContext>().Set<WebhookSubscription>().AnyAsync(w => w.Active, ct);
        }

        if (!any)
        {
            if (Environment.TickCount64 - _idleCursorMovedAt >= IdleCursorInterval)
            {
                await feed.SkipToEndAsync(_enqueuer, ct);
                _idleCursorMovedAt = Environment.TickCount64;
            }

            return 0;
        }

        return await feed.ReadAsync(_enqueuer, BatchSize, ct);
    }

    /// <summary>
    /// The webhooks' consumer of the log: one delivery per matching subscription and event, written in the transaction
    /// that moves the cursor (the outbox). On first start the log's history is not sent: subscriptions begin with what
    /// happens next.
    /// </summary>
    private sealed class Enqueuer(TimeProvider clock) : IEventConsumer
    {
        public string Name => "webhooks";

        public FeedStart StartsAt => FeedStart.End;

        public async Task HandleAsync(RibaltaDbContext db, IReadOnlyList<EventRecord> events, CancellationToken ct)
        {
            var subscriptions = await db.Set<WebhookSubscription>().AsNoTracking().Where(w => w.Active).ToListAsync(ct);
            var now = clock.GetUtcNow();
            foreach (var record in events)
            {
                // A subscription begins with what happens after it was made (the cursor may lag by a minute of idle time).
                foreach (var subscription in subscriptions.Where(s => s.Wants(record.Type) && record.OccurredAt >= s.CreatedAt))
                {
                    db.Add(new WebhookDelivery
                    {
                        SubscriptionId = subscription.Id,
                        EventId = record.Id,
                        EventType = record.Type,
                        Body = Body(record),
                        CreatedAt = now,
                        NextAttemptAt = now,
                    });
                }
            }
        }
    }

    private static string Body(EventRecord record)
    {
        using var payload = JsonDocument.Parse(record.Payload);
        return JsonSerializer.Serialize(new
        {
            id = record.Id,
            type = record.Type,
            occurredAt = record.OccurredAt,
            actor = new { kind = record.ActorKind.ToString(), id = record.ActorId, name = record.ActorName },
            subject = new { type = record.SubjectType, id = record.SubjectId },
            customerId = record.CustomerId,
            data = payload.RootElement,
        }, Json);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The webhook dispatcher failed a round; it tries again")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);
}
