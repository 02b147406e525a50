using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Ribalta.Channels.Ingest;
using Ribalta.Platform.Data;
using Ribalta.Platform.Events;
using Ribalta.Platform.Integrations;
using Ribalta.Tests.Infrastructure;
using Ribalta.Tests.Integration.Channels;
using Xunit;

namespace Ribalta.Tests.Integration.Platform;

/// <summary>Webhooks: signed deliveries from the event log to a real loopback listener, retried, logged, replayable, and never to internal addresses unless allowed.</summary>
public abstract class WebhookTests(RibaltaApp app)
{
    protected RibaltaApp App { get; } = app;

    /// <summary>An HTTP listener on a free loopback port that records what it receives and answers with the statuses queued.</summary>
    private sealed class Receiver : IDisposable
    {
        private readonly HttpListener _listener = new();

        /// <param name="anyHostName">Answer requests addressed to any host name (a name the test resolves to loopback); the
        /// listener then binds every interface, on its random port, for the test's length.</param>
        public Receiver(bool anyHostName = false)
        {
            Port = PostgresServer.FreePort();
            _listener.Prefixes.Add(anyHostName ? $"http://*:{Port}/" : $"http://127.0.0.1:{Port}/");
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

    /// <summary>A case opened by a message sent in through the API, from an address the tag makes the test's own.</summary>
    private static Task<IngestResult> OpenCaseAsync(HttpClient client, string tag) =>
        client.IngestAsync(new { from = new { email = $"hook.{tag}@example.org" }, body = $"Webhook test {tag}" });

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
    public async Task A_dead_receiver_with_a_long_queue_does_not_hold_back_the_others()
    {
        // A port nobody listens on: every attempt is refused at once.
        var deadPort = PostgresServer.FreePort();
        var admin = await App.AsAdmin();
        var dead = await SubscribeAsync(admin, $"http://127.0.0.1:{deadPort}/hook", "case.opened");
        using var healthy = new Receiver();
        var fine = await SubscribeAsync(admin, $"http://127.0.0.1:{healthy.Port}/hook", "case.opened");
        try
        {
            // More deliveries due for the dead receiver, and older, than the dispatcher takes in one look.
            await App.WithServices(async services =>
            {
                var db = services.GetRequiredService<RibaltaDbContext>();
                var eventId = await db.Set<EventRecord>().MaxAsync(e => e.Id);
                var overdue = App.Clock.GetUtcNow().AddHours(-1);
                for (var i = 0; i < 250; i++)
                {
                    db.Add(new WebhookDelivery { SubscriptionId = dead.Webhook.Id, EventId = eventId, EventType = "case.opened", Body = "{}", CreatedAt = overdue, NextAttemptAt = overdue.AddSeconds(i) });
                }

                return await db.SaveChangesAsync();
            });

            var opened = await OpenCaseAsync(await App.AsFrontline(), Guid.NewGuid().ToString("N")[..8]);

            // Before the dispatcher's next five-second look: the healthy receiver is served in the same round.
            var deadline = Task.Delay(TimeSpan.FromSeconds(4));
            var arrived = healthy.WaitForAsync(OpenedCase(opened.CaseId));
            Assert.Same(arrived, await Task.WhenAny(arrived, deadline));
        }
        finally
        {
            await admin.DeleteAsync($"/api/v1/webhooks/{dead.Webhook.Id}");
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

        // Recorded as the redirect's answer: had it been followed, the receiver would have had a second request by then.
        var pending = await WaitForDeliveryAsync(admin, hook.Webhook.Id, d => d.EventType == "case.opened" && d.Attempts == 1);
        Assert.Single(receiver.Received, r => OpenedCase(opened.CaseId)(r.Body));

        // Signed: HMAC-SHA256 over "timestamp.body" with the secret shown at creation.
        var signature = first.Headers["Ribalta-Signature"];
        var timestamp = first.Headers["Ribalta-Timestamp"];
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(hook.Secret), Encoding.UTF8.GetBytes($"{timestamp}.{first.Body}")));
        Assert.Equal($"t={timestamp},v1={expected}", signature);
        Assert.Equal("case.opened", first.Headers["Ribalta-Event"]);

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

        // Switched off: nothing more is sent, and a replay is refused. Another receiver, still subscribed, shows when the
        // dispatcher has passed the next event: deliveries for every subscription are written in the same pass.
        using var witness = new Receiver();
        var watching = await SubscribeAsync(admin, $"http://127.0.0.1:{witness.Port}/hook", "case.opened");
        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"/api/v1/webhooks/{hook.Webhook.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync($"/api/v1/webhooks/deliveries/{delivered.Id}/replay", null)).StatusCode);
        var deliveriesBefore = (await admin.GetFromJsonAsync<List<WebhookDeliveryDto>>($"/api/v1/webhooks/{hook.Webhook.Id}/deliveries", Api.Json))!.Count;
        var later = await OpenCaseAsync(await App.AsFrontline(), tag + "b");
        await witness.WaitForAsync(OpenedCase(later.CaseId));
        Assert.Equal(deliveriesBefore, (await admin.GetFromJsonAsync<List<WebhookDeliveryDto>>($"/api/v1/webhooks/{hook.Webhook.Id}/deliveries", Api.Json))!.Count);
        Assert.DoesNotContain(receiver.Received, r => OpenedCase(later.CaseId)(r.Body));
        await admin.DeleteAsync($"/api/v1/webhooks/{watching.Webhook.Id}");
    }

    [Fact]
    public async Task A_delivery_that_runs_out_of_retries_is_marked_failed_after_the_last_attempt_on_schedule()
    {
        using var receiver = new Receiver();
        var admin = await App.AsAdmin();
        var hook = await SubscribeAsync(admin, $"http://127.0.0.1:{receiver.Port}/hook", "case.opened");
        for (var i = 0; i <= WebhookDispatcher.Backoff.Length; i++)
        {
            receiver.Answers.Enqueue(500);
        }

        var opened = await OpenCaseAsync(await App.AsFrontline(), Guid.NewGuid().ToString("N")[..8]);
        var delivery = await WaitForDeliveryAsync(admin, hook.Webhook.Id, d => d.Attempts == 1);
        for (var attempt = 1; attempt <= WebhookDispatcher.Backoff.Length; attempt++)
        {
            // The clock stands still between attempts, so each wait is exact: the next attempt is due that long after this one.
            Assert.Equal(("Pending", 500), (delivery.Status, delivery.LastStatusCode));
            var due = App.Clock.GetUtcNow() + WebhookDispatcher.Backoff[attempt - 1];
            Assert.InRange(delivery.NextAttemptAt!.Value, due.AddMilliseconds(-1), due.AddMilliseconds(1));
            App.Clock.Advance(WebhookDispatcher.Backoff[attempt - 1]);

            // Any committed event wakes the dispatcher (this one is not subscribed to): no waiting for its five-second look.
            // Signed in afresh: the clock has moved past the last session's lifetime.
            await (await App.AsFrontline()).CreateCustomerAsync(new { displayName = "Wake " + attempt });
            admin = await App.AsAdmin();
            var next = attempt + 1;
            delivery = await WaitForDeliveryAsync(admin, hook.Webhook.Id, d => d.Id == delivery.Id && d.Attempts == next);
        }

        Assert.Equal(("Failed", 500, (DateTimeOffset?)null), (delivery.Status, delivery.LastStatusCode, delivery.NextAttemptAt));
        Assert.Equal(WebhookDispatcher.Backoff.Length + 1, receiver.Received.Count(r => OpenedCase(opened.CaseId)(r.Body)));
        await admin.DeleteAsync($"/api/v1/webhooks/{hook.Webhook.Id}");
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("192.0.2.10")]
    [InlineData("::ffff:127.0.0.1")]
    public async Task A_webhook_whose_name_resolves_to_an_internal_address_is_refused_when_connecting(string address)
    {
        using var receiver = new Receiver();
        var admin = await App.AsAdmin();
        var host = $"{Api.Unique("hooks")}.example.test";
        App.Names.Map(host, address);
        var hook = await SubscribeAsync(admin, $"http://{host}:{receiver.Port}/hook", "case.opened");

        var opened = await OpenCaseAsync(await App.AsFrontline(), Guid.NewGuid().ToString("N")[..8]);
        var refused = await WaitForDeliveryAsync(admin, hook.Webhook.Id, d => d.Attempts == 1);

        Assert.Equal(("Pending", (int?)null), (refused.Status, refused.LastStatusCode));
        Assert.Contains($"Refused: {host} resolves to {IPAddress.Parse(address).MapToIPv4()}", refused.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain(receiver.Received, r => OpenedCase(opened.CaseId)(r.Body));
        await admin.DeleteAsync($"/api/v1/webhooks/{hook.Webhook.Id}");
    }

    [Fact]
    public async Task A_name_an_administrator_allows_goes_through_to_its_internal_address()
    {
        using var receiver = new Receiver(anyHostName: true);
        var admin = await App.AsAdmin();
        App.Names.Map(RibaltaApp.AllowedWebhookHost, "127.0.0.1");
        var hook = await SubscribeAsync(admin, $"http://{RibaltaApp.AllowedWebhookHost}.:{receiver.Port}/hook", "case.opened");

        var opened = await OpenCaseAsync(await App.AsFrontline(), Guid.NewGuid().ToString("N")[..8]);

        Assert.Equal(200, (await receiver.WaitForAsync(OpenedCase(opened.CaseId))).Answered);
        await admin.DeleteAsync($"/api/v1/webhooks/{hook.Webhook.Id}");
    }

    private async Task<WebhookDeliveryDto> WaitForDeliveryAsync(HttpClient admin, Guid webhookId, Func<WebhookDeliveryDto, bool> match)
    {
        List<WebhookDeliveryDto> seen = [];
        for (var i = 0; i < 300; i++)
        {
            seen = (await admin.GetFromJsonAsync<List<WebhookDeliveryDto>>($"/api/v1/webhooks/{webhookId}/deliveries", Api.Json))!;
            if (seen.FirstOrDefault(match) is { } found)
            {
                return found;
            }

            await Task.Delay(100);
        }

        // What was there instead, the test clock and what the dispatcher reported, so that a miss says where it stopped.
        var state = string.Join("; ", seen.Select(d => $"#{d.Id} {d.Status} attempts {d.Attempts} last {d.LastStatusCode} next {d.NextAttemptAt:O}"));
        var reported = string.Join(Environment.NewLine, App.Logs.From("Webhook"));
        throw new TimeoutException($"The delivery did not reach the expected state at {App.Clock.GetUtcNow():O}: {(state.Length == 0 ? "no deliveries" : state)}{Environment.NewLine}{reported}");
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

        foreach (var url in new[]
        {
            "http://10.1.2.3/hook", "http://169.254.169.254/latest/meta-data", "http://localhost:8080/", "http://localhost./", "http://LOCALHOST.:8080/",
            "http://api.localhost/", "http://[::1]/hook", "http://[::ffff:127.0.0.1]/", "http://127.0.0.2/", "http://192.168.1.20/", "http://192.0.2.10/",
            "http://198.51.100.7/", "http://203.0.113.9/", "http://[2001:db8::1]/", "http://[64:ff9b::a9fe:a9fe]/", $"http://{Dns.GetHostName()}/",
            "ftp://example.org/", "http://user:pw@example.org/", "not a url",
        })
        {
            await RefusedAsync(new { url, eventTypes = new[] { "*" } }, "url");
        }

        await RefusedAsync(new { url = "https://example.org/hook", eventTypes = Array.Empty<string>() }, "eventTypes");
        await RefusedAsync(new { url = "https://example.org/hook", eventTypes = new[] { "Case Opened!" } }, "eventTypes");
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync("/api/v1/webhooks/deliveries/999999999/replay", null)).StatusCode);
    }
}

[Collection(SqliteCollection.Name)]
[Trait("Suite", "Sqlite")]
public sealed class WebhookTestsOnSqlite(SqliteAppFixture fixture) : WebhookTests(fixture.App);

[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class WebhookTestsOnPostgres(PostgresAppFixture fixture) : WebhookTests(fixture.App);
