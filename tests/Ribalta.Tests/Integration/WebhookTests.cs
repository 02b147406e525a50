using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ribalta.Cases.Ingest;
using Ribalta.Platform.Integrations;
using Ribalta.Tests.Infrastructure;
using Xunit;

namespace Ribalta.Tests.Integration;

/// <summary>Webhooks: signed deliveries from the event log to a real loopback listener, retried, logged, replayable, and never to internal addresses unless allowed.</summary>
public abstract class WebhookTests(RibaltaApp app)
{
    protected RibaltaApp App { get; } = app;

    /// <summary>An HTTP listener on a free loopback port that records what it receives and answers with the statuses queued.</summary>
    private sealed class Receiver : IDisposable
    {
        private readonly HttpListener _listener = new();

        public Receiver()
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            _listener.Start();
            _ = Task.Run(LoopAsync);
        }

        public int Port { get; }

        public ConcurrentQueue<int> Answers { get; } = new();

        /// <summary>When set, every request waits for it before being answered: a receiver that hangs.</summary>
        public TaskCompletionSource? Hold { get; init; }

        public ConcurrentQueue<(Dictionary<string, string> Headers, string Body, int Answered)> Received { get; } = new();

        public void Dispose() => _listener.Close();

        public async Task<(Dictionary<string, string> Headers, string Body, int Answered)> WaitForAsync(Func<string, bool> match, int count = 1)
        {
            for (var i = 0; i < 600; i++)
            {
                var matching = Received.Where(r => match(r.Body)).ToList();
                if (matching.Count >= count)
                {
                    return matching[count - 1];
                }

                await Task.Delay(100);
            }

            throw new TimeoutException($"No delivery {count} arrived; received {Received.Count}");
        }

        private async Task LoopAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                var body = await reader.ReadToEndAsync();
                if (Hold is not null)
                {
                    await Hold.Task;
                }

                var status = Answers.TryDequeue(out var queued) ? queued : 200;
                Received.Enqueue((context.Request.Headers.AllKeys.ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase), body, status));
                context.Response.StatusCode = status;
                if (status is >= 300 and < 400)
                {
                    context.Response.RedirectLocation = $"http://127.0.0.1:{Port}/elsewhere";
                }

                context.Response.Close();
            }
        }
    }

    private static async Task<WebhookCreated> SubscribeAsync(HttpClient admin, string url, params string[] eventTypes)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url, eventTypes, description = "Test receiver" }, Api.Json);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<WebhookCreated>(Api.Json))!;
    }

    private static async Task<IngestResult> OpenCaseAsync(HttpClient client, string tag)
    {
        var response = await client.PostAsJsonAsync("/api/v1/messages", new { from = new { email = $"hook.{tag}@example.org" }, body = $"Webhook test {tag}" }, Api.Json);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<IngestResult>(Api.Json))!;
    }

    private static Func<string, bool> OpenedCase(long caseId) => body =>
    {
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("type").GetString() == "case.opened" && json.RootElement.GetProperty("subject").GetProperty("id").GetString() == caseId.ToString(System.Globalization.CultureInfo.InvariantCulture);
    };

    [Fact]
    public async Task A_receiver_that_hangs_does_not_hold_back_the_others()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var hanging = new Receiver { Hold = release };
        using var healthy = new Receiver();
        var admin = await App.AsAdmin();
        // The hanging one first, so its delivery is the older one.
        var stuck = await SubscribeAsync(admin, $"http://127.0.0.1:{hanging.Port}/hook", "case.opened");
        var fine = await SubscribeAsync(admin, $"http://127.0.0.1:{healthy.Port}/hook", "case.opened");
        try
        {
            var opened = await OpenCaseAsync(await App.AsFrontline(), Guid.NewGuid().ToString("N")[..8]);

            // Well before the hanging call times out (10 s), the healthy receiver has its event.
            var deadline = Task.Delay(TimeSpan.FromSeconds(7));
            var arrived = healthy.WaitForAsync(OpenedCase(opened.CaseId));
            Assert.Same(arrived, await Task.WhenAny(arrived, deadline));
            Assert.False(release.Task.IsCompleted);
        }
        finally
        {
            release.TrySetResult();
            await admin.DeleteAsync($"/api/v1/webhooks/{stuck.Webhook.Id}");
            await admin.DeleteAsync($"/api/v1/webhooks/{fine.Webhook.Id}");
        }
    }

    [Fact]
    public async Task A_subscribed_receiver_gets_signed_events_retried_after_failures_and_replayed_on_request()
    {
        using var receiver = new Receiver();
        var admin = await App.AsAdmin();
        var hook = await SubscribeAsync(admin, $"http://127.0.0.1:{receiver.Port}/hook", "case.*");
        Assert.StartsWith("whsec_", hook.Secret);
        Assert.DoesNotContain(hook.Secret, await admin.GetStringAsync("/api/v1/webhooks"));

        // The first attempt is redirected, which is not followed and counts as a failure; the retry is delivered.
        receiver.Answers.Enqueue(302);
        var tag = Guid.NewGuid().ToString("N")[..8];
        var opened = await OpenCaseAsync(await App.AsFrontline(), tag);
        var first = await receiver.WaitForAsync(OpenedCase(opened.CaseId));
        Assert.Equal(302, first.Answered);
        await Task.Delay(500);
        Assert.Single(receiver.Received, r => OpenedCase(opened.CaseId)(r.Body));

        // Signed: HMAC-SHA256 over "timestamp.body" with the secret shown at creation.
        var signature = first.Headers["Ribalta-Signature"];
        var timestamp = first.Headers["Ribalta-Timestamp"];
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(hook.Secret), Encoding.UTF8.GetBytes($"{timestamp}.{first.Body}")));
        Assert.Equal($"t={timestamp},v1={expected}", signature);
        Assert.Equal("case.opened", first.Headers["Ribalta-Event"]);

        var log = (await admin.GetFromJsonAsync<List<WebhookDeliveryDto>>($"/api/v1/webhooks/{hook.Webhook.Id}/deliveries", Api.Json))!;
        var pending = log.Single(d => d.EventType == "case.opened" && d.Attempts == 1);
        Assert.Equal("Pending", pending.Status);
        Assert.Equal(302, pending.LastStatusCode);

        App.Clock.Advance(WebhookDispatcher.Backoff[0] + TimeSpan.FromSeconds(1));
        var second = await receiver.WaitForAsync(OpenedCase(opened.CaseId), count: 2);
        Assert.Equal(200, second.Answered);
        Assert.Equal(first.Body, second.Body);
        Assert.Equal(first.Headers["Ribalta-Delivery"], second.Headers["Ribalta-Delivery"]);

        WebhookDeliveryDto delivered = pending;
        for (var i = 0; i < 50 && delivered.Status != "Delivered"; i++)
        {
            await Task.Delay(100);
            delivered = (await admin.GetFromJsonAsync<List<WebhookDeliveryDto>>($"/api/v1/webhooks/{hook.Webhook.Id}/deliveries", Api.Json))!.Single(d => d.Id == pending.Id);
        }

        Assert.Equal("Delivered", delivered.Status);
        Assert.Equal(2, delivered.Attempts);

        // Replay: the same body again, as a new delivery.
        var replay = await admin.PostAsync($"/api/v1/webhooks/deliveries/{delivered.Id}/replay", null);
        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        var third = await receiver.WaitForAsync(OpenedCase(opened.CaseId), count: 3);
        Assert.Equal(first.Body, third.Body);
        Assert.NotEqual(first.Headers["Ribalta-Delivery"], third.Headers["Ribalta-Delivery"]);

        // Switched off: nothing more is sent, and a replay is refused.
        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"/api/v1/webhooks/{hook.Webhook.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync($"/api/v1/webhooks/deliveries/{delivered.Id}/replay", null)).StatusCode);
        var later = await OpenCaseAsync(await App.AsFrontline(), tag + "b");
        await Task.Delay(1500);
        Assert.DoesNotContain(receiver.Received, r => OpenedCase(later.CaseId)(r.Body));
    }

    [Fact]
    public async Task Internal_addresses_and_bad_subscriptions_are_refused_with_reasons()
    {
        var admin = await App.AsAdmin();
        async Task RefusedAsync(object body, string field)
        {
            var response = await admin.PostAsJsonAsync("/api/v1/webhooks", body, Api.Json);
            await response.AssertRefusedAsync(field);
        }

        foreach (var url in new[] { "http://10.1.2.3/hook", "http://169.254.169.254/latest/meta-data", "http://localhost:8080/", "http://[::1]/hook", "http://192.168.1.20/", "ftp://example.org/", "http://user:pw@example.org/", "not a url" })
        {
            await RefusedAsync(new { url, eventTypes = new[] { "*" } }, "url");
        }

        await RefusedAsync(new { url = "https://example.org/hook", eventTypes = Array.Empty<string>() }, "eventTypes");
        await RefusedAsync(new { url = "https://example.org/hook", eventTypes = new[] { "Case Opened!" } }, "eventTypes");
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync("/api/v1/webhooks/deliveries/999999999/replay", null)).StatusCode);
    }

    [Fact]
    public void The_guard_tells_public_addresses_from_internal_ones()
    {
        Assert.True(WebhookAddressGuard.IsPublic(IPAddress.Parse("93.184.216.34")));
        Assert.True(WebhookAddressGuard.IsPublic(IPAddress.Parse("2606:2800:220:1::1")));
        foreach (var address in new[] { "127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.0.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fd00::1", "::ffff:10.0.0.1", "224.0.0.1", "64:ff9b::a00:1", "2002:a00:1::1", "2001:0:4136:e378::1" })
        {
            Assert.False(WebhookAddressGuard.IsPublic(IPAddress.Parse(address)), address);
        }
    }
}

[Collection(SqliteCollection.Name)]
[Trait("Suite", "Sqlite")]
public sealed class WebhookTestsOnSqlite(SqliteAppFixture fixture) : WebhookTests(fixture.App);

[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class WebhookTestsOnPostgres(PostgresAppFixture fixture) : WebhookTests(fixture.App);
