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
    IServiceScopeFactory scopes, WebhookSignal signal, OutboundAddressGuard guard, IOptions<WebhookOptions> options, IHostApplicationLifetime lifetime, TimeProvider clock, ILogger<WebhookDispatcher> logger)
    : BackgroundService
{
    /// <summary>Waits before attempts 2, 3, …: a receiver down for a day still gets everything.</summary>
    public static readonly TimeSpan[] Backoff =
        [TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(6), TimeSpan.FromHours(12)];

    private const int BatchSize = 200;

    private const long IdleCursorInterval = 60_000;

    /// <summary>How long a hole in the event ids is waited for (milliseconds, real time): far longer than any commit.</summary>
    private const long GapPatience = 10_000;

    private long _gapAt = -1;

    private long _gapSeenAt;

    private long _idleCursorMovedAt = long.MinValue / 2;

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
        var cursorReady = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!cursorReady)
                {
                    await StartCursorAsync(stoppingToken);
                    cursorReady = true;
                }

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

    /// <summary>On first start the log's history is not sent: subscriptions begin with what happens next.</summary>
    private async Task StartCursorAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RibaltaDbContext>();
        if (!await db.Set<WebhookCursor>().AnyAsync(ct))
        {
            var last = await db.Set<EventRecord>().OrderByDescending(e => e.Id).Select(e => e.Id).FirstOrDefaultAsync(ct);
            db.Add(new WebhookCursor { LastEventId = last });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
            {
                // Another node started it.
            }
        }
    }

    private async Task<int> EnqueueAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RibaltaDbContext>();

        // Without subscriptions no event needs a row: the cursor only keeps up, once a minute and in one statement,
        // so a busy writer (thousands of messages a second) never waits for webhooks nobody asked for.
        if (!await db.Set<WebhookSubscription>().AnyAsync(w => w.Active, ct))
        {
            if (Environment.TickCount64 - _idleCursorMovedAt >= IdleCursorInterval)
            {
                var last = await db.Set<EventRecord>().OrderByDescending(e => e.Id).Select(e => e.Id).FirstOrDefaultAsync(ct);
                await db.Set<WebhookCursor>().Where(c => c.LastEventId < last).ExecuteUpdateAsync(u => u.SetProperty(c => c.LastEventId, last), ct);
                _idleCursorMovedAt = Environment.TickCount64;
            }

            return 0;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var cursor = await db.Set<WebhookCursor>().SingleAsync(ct);
        var events = Contiguous(cursor.LastEventId, await db.Set<EventRecord>().AsNoTracking().Where(e => e.Id > cursor.LastEventId).OrderBy(e => e.Id).Take(BatchSize).ToListAsync(ct));
        if (events.Count == 0)
        {
            return 0;
        }

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

        cursor.LastEventId = events[^1].Id;
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return events.Count;
    }

    /// <summary>
    /// The events that follow the cursor without a hole. On PostgreSQL ids are taken when rows are written, not when
    /// they commit: a hole may be an event still being committed by a longer transaction, which must not be passed
    /// over. A hole that stays longer than <see cref="GapPatience"/> was a rolled-back write, and is passed.
    /// </summary>
    private List<EventRecord> Contiguous(long cursor, List<EventRecord> events)
    {
        var expected = cursor + 1;
        var count = 0;
        while (count < events.Count && events[count].Id == expected)
        {
            count++;
            expected++;
        }

        if (count == events.Count)
        {
            _gapAt = -1;
            return events;
        }

        if (_gapAt != expected)
        {
            _gapAt = expected;
            _gapSeenAt = Environment.TickCount64;
        }

        if (Environment.TickCount64 - _gapSeenAt >= GapPatience)
        {
            _gapAt = -1;
            return events;
        }

        return events[..count];
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
