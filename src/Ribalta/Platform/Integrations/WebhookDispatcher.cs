using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Ribalta.Platform.Data;
using Ribalta.Platform.Events;

namespace Ribalta.Platform.Integrations;

/// <summary>
/// Refuses webhook targets inside the network (loopback, private, link-local, unique-local, multicast, unspecified)
/// unless their host is explicitly allowed. Checked on the address actually connected to, so a name that resolves
/// (or re-resolves) to an internal address is refused too.
/// </summary>
internal sealed class WebhookAddressGuard(IOptions<WebhookOptions> options)
{
    public bool IsAllowedHost(string host) => options.Value.AllowedHosts.Contains(host, StringComparer.OrdinalIgnoreCase);

    /// <summary>At subscription time: an IP literal must be public (or allowed); names are checked when connecting.</summary>
    public bool MayCallHost(string host) =>
        IsAllowedHost(host) || (!host.Equals("localhost", StringComparison.OrdinalIgnoreCase) && (!IPAddress.TryParse(host, out var address) || IsPublic(address)));

    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.None))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal);
        }

        var b = address.GetAddressBytes();
        return !(b[0] == 10 || b[0] == 0 || b[0] >= 224 || (b[0] == 172 && b[1] is >= 16 and <= 31) || (b[0] == 192 && b[1] == 168)
            || (b[0] == 169 && b[1] == 254) || (b[0] == 100 && b[1] is >= 64 and <= 127) || (b[0] == 192 && b[1] == 0 && b[2] == 0) || (b[0] == 198 && b[1] is 18 or 19));
    }

    /// <summary>An HTTP client that never follows redirects and connects only to addresses the guard allows.</summary>
    public HttpClient CreateClient()
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = async (context, ct) =>
            {
                var host = context.DnsEndPoint.Host;
                var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
                var allowed = IsAllowedHost(host) ? addresses : addresses.Where(IsPublic).ToArray();
                if (allowed.Length == 0)
                {
                    throw new HttpRequestException($"Refused: {host} is an internal address and is not an allowed host.");
                }

                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { Timeout = options.Value.Timeout };
    }
}

/// <summary>Wakes the dispatcher when there may be work (events committed, a replay queued).</summary>
internal sealed class WebhookSignal
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already awake.
            }
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _wake.WaitAsync(timeout, ct);
}

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
    IServiceScopeFactory scopes, WebhookSignal signal, WebhookAddressGuard guard, IHostApplicationLifetime lifetime, TimeProvider clock, ILogger<WebhookDispatcher> logger)
    : BackgroundService
{
    /// <summary>Waits before attempts 2, 3, …: a receiver down for a day still gets everything.</summary>
    public static readonly TimeSpan[] Backoff =
        [TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(6), TimeSpan.FromHours(12)];

    private const int BatchSize = 200;

    private const long IdleCursorInterval = 60_000;

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

        using var http = guard.CreateClient();
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
        var events = await db.Set<EventRecord>().AsNoTracking().Where(e => e.Id > cursor.LastEventId).OrderBy(e => e.Id).Take(BatchSize).ToListAsync(ct);
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

    private async Task SendDueAsync(HttpClient http, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RibaltaDbContext>();
        var protector = scope.ServiceProvider.GetRequiredService<WebhookService>().Protector;
        var now = clock.GetUtcNow();
        var due = await db.Set<WebhookDelivery>()
            .Where(d => d.Status == WebhookDeliveryStatus.Pending && d.NextAttemptAt <= now)
            .OrderBy(d => d.NextAttemptAt).ThenBy(d => d.Id).Take(BatchSize).ToListAsync(ct);
        if (due.Count == 0)
        {
            return;
        }

        var ids = due.Select(d => d.SubscriptionId).Distinct().ToList();
        var subscriptions = await db.Set<WebhookSubscription>().AsNoTracking().Where(w => ids.Contains(w.Id)).ToDictionaryAsync(w => w.Id, ct);
        foreach (var delivery in due)
        {
            var subscription = subscriptions[delivery.SubscriptionId];
            if (!subscription.Active)
            {
                delivery.Status = WebhookDeliveryStatus.Failed;
                delivery.NextAttemptAt = null;
                delivery.LastError = "The subscription was deactivated.";
                continue;
            }

            delivery.Attempts++;
            try
            {
                using var request = Request(subscription, delivery, protector.Unprotect(subscription.ProtectedSecret));
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
                delivery.LastStatusCode = (int)response.StatusCode;
                if (response.IsSuccessStatusCode)
                {
                    delivery.Status = WebhookDeliveryStatus.Delivered;
                    delivery.DeliveredAt = clock.GetUtcNow();
                    delivery.NextAttemptAt = null;
                    delivery.LastError = null;
                    continue;
                }

                delivery.LastError = (int)response.StatusCode is >= 300 and < 400 ? "Redirects are not followed." : $"HTTP {(int)response.StatusCode}";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                delivery.LastStatusCode = null;
                delivery.LastError = ex.Message.Length > 500 ? ex.Message[..500] : ex.Message;
            }

            if (delivery.Attempts > Backoff.Length)
            {
                delivery.Status = WebhookDeliveryStatus.Failed;
                delivery.NextAttemptAt = null;
            }
            else
            {
                delivery.NextAttemptAt = clock.GetUtcNow() + Backoff[delivery.Attempts - 1];
            }
        }

        await db.SaveChangesAsync(ct);
    }

    private HttpRequestMessage Request(WebhookSubscription subscription, WebhookDelivery delivery, string secret)
    {
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{delivery.Body}")));
        var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url) { Content = new StringContent(delivery.Body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Ribalta-Event", delivery.EventType);
        request.Headers.Add("Ribalta-Delivery", delivery.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("Ribalta-Timestamp", timestamp);
        request.Headers.Add("Ribalta-Signature", $"t={timestamp},v1={signature}");
        request.Headers.UserAgent.ParseAdd("Ribalta-Webhooks/1");
        return request;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The webhook dispatcher failed a round; it tries again")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);
}
