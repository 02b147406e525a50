using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Ribalta.Platform.Data;

namespace Ribalta.Platform.Integrations;

/// <summary>The dispatcher's second half: calling receivers with what is due, each in order, a few at once.</summary>
internal sealed partial class WebhookDispatcher
{
    /// <summary>Receivers called at once.</summary>
    private const int ParallelReceivers = 8;

    /// <summary>The receivers being called now, each by one task.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, byte> _sending = new();

    /// <summary>
    /// Starts sending what is due: each receiver's deliveries in order on a task of its own, up to
    /// <see cref="ParallelReceivers"/> receivers at once, without waiting for them. Receivers are taken by how long their
    /// oldest due delivery has waited, so a dead receiver with thousands of deliveries queued holds one place, never the
    /// others' turn; a slow one (each attempt up to the timeout) holds back neither the others nor the next events.
    /// </summary>
    private async Task SendDueAsync(HttpClient http, CancellationToken ct)
    {
        if (_sending.Count >= ParallelReceivers)
        {
            return;
        }

        List<Guid> receivers;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RibaltaDbContext>();
            var now = clock.GetUtcNow();
            receivers = await db.Set<WebhookDelivery>().AsNoTracking()
                .Where(d => d.Status == WebhookDeliveryStatus.Pending && d.NextAttemptAt <= now)
                .GroupBy(d => d.SubscriptionId)
                .Select(g => new { SubscriptionId = g.Key, Oldest = g.Min(d => d.NextAttemptAt) })
                .OrderBy(g => g.Oldest).ThenBy(g => g.SubscriptionId)
                .Select(g => g.SubscriptionId)
                .Take(BatchSize).ToListAsync(ct);
        }

        foreach (var receiver in receivers)
        {
            // A receiver still busy with an earlier round keeps its order; the rest wait for it, not the others.
            // Marked busy before its task starts, so a quick task cannot finish (and unmark) before it is marked.
            if (_sending.Count >= ParallelReceivers)
            {
                break;
            }

            if (!_sending.TryAdd(receiver, 0))
            {
                continue;
            }

            var task = Task.Run(() => SendToAsync(http, receiver, ct), CancellationToken.None);
            _ = task.ContinueWith(
                finished =>
                {
                    _sending.TryRemove(receiver, out _);
                    if (finished.Exception is { } failed)
                    {
                        LogLoopFailed(logger, failed);
                    }

                    // What came for it meanwhile goes at once; after a failure the rest waits for the next look.
                    if (finished.IsCompletedSuccessfully && finished.Result)
                    {
                        signal.Wake();
                    }
                },
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>
    /// One receiver's due deliveries, oldest first, each recorded as soon as it is answered. After a failure the rest
    /// wait for the next look (false): a receiver that is down costs one attempt (one timeout) a round, not one per delivery.
    /// </summary>
    private async Task<bool> SendToAsync(HttpClient http, Guid subscriptionId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RibaltaDbContext>();
        var protector = scope.ServiceProvider.GetRequiredService<WebhookService>().Protector;
        var subscription = await db.Set<WebhookSubscription>().AsNoTracking().FirstAsync(w => w.Id == subscriptionId, ct);
        var now = clock.GetUtcNow();
        var deliveries = await db.Set<WebhookDelivery>()
            .Where(d => d.SubscriptionId == subscriptionId && d.Status == WebhookDeliveryStatus.Pending && d.NextAttemptAt <= now)
            .OrderBy(d => d.NextAttemptAt).ThenBy(d => d.Id).Take(BatchSize).ToListAsync(ct);
        foreach (var delivery in deliveries)
        {
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
                    await db.SaveChangesAsync(CancellationToken.None);
                    continue;
                }

                delivery.LastError = (int)response.StatusCode is >= 300 and < 400 ? "Redirects are not followed." : $"HTTP {(int)response.StatusCode}";
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                // Unreachable, timed out, or a secret that no longer decrypts (lost Data Protection keys): this
                // delivery's failure, recorded, never the round's.
                delivery.LastStatusCode = null;
                var reason = ex is System.Security.Cryptography.CryptographicException ? "The signing secret cannot be read (Data Protection keys changed)." : ex.Message;
                delivery.LastError = reason.Length > 500 ? reason[..500] : reason;
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

            // Recorded at once: a round cut short never sends what it already sent again.
            await db.SaveChangesAsync(CancellationToken.None);
            return false;
        }

        await db.SaveChangesAsync(ct);
        return true;
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
}
