using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Ribalta.Cases.Domain;
using Ribalta.Channels.Ingest;
using Ribalta.Platform.Data;
using Ribalta.Tests.Infrastructure;
using Xunit;

namespace Ribalta.Tests.Integration.Platform;

/// <summary>
/// PostgreSQL goes away under keyed ingest (a fast restart, then a stop of a few seconds): the service keeps running,
/// answers 503 with Retry-After while the database is gone, recovers by itself, and every message it acknowledged is
/// there exactly once. A server of its own, since the test stops it.
/// </summary>
[Trait("Suite", "Postgres")]
public sealed class DatabaseOutageTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ribalta-outage-" + Guid.NewGuid().ToString("N")[..8]);
    private PostgresServer _server = null!;
    private RibaltaApp _app = null!;

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.StartAsync();
        await using (var connection = new NpgsqlConnection(_server.ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand("CREATE DATABASE ribalta_outage", connection);
            await create.ExecuteNonQueryAsync();
        }

        Directory.CreateDirectory(_directory);
        var connectionString = new NpgsqlConnectionStringBuilder(_server.ConnectionString) { Database = "ribalta_outage", Timeout = 3 }.ConnectionString;
        _app = new RibaltaApp("Postgres", connectionString, _directory);
        _ = _app.Server;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await _server.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task A_restart_and_a_stop_under_keyed_ingest_fail_requests_with_503_and_lose_nothing_acknowledged()
    {
        var api = await _app.AsFrontline();
        var lifetime = _app.Services.GetRequiredService<IHostApplicationLifetime>();
        var run = Guid.NewGuid().ToString("N")[..10];
        var acknowledged = new ConcurrentDictionary<string, long>();
        var refused = new ConcurrentDictionary<string, byte>();
        var unexpected = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        async Task<HttpResponseMessage> SendAsync(string key, int sender)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/messages")
            {
                Content = JsonContent.Create(new { from = new { email = $"outage{sender}.{run}@example.com" }, body = $"outage {run} {key}", channel = "Api", language = "en" }),
            };
            request.Headers.Add("Idempotency-Key", key);
            return await api.SendAsync(request);
        }

        // Four senders, each at most 400 messages; they stop when told to.
        var keepSending = true;
        var senders = Enumerable.Range(0, 4).Select(sender => Task.Run(async () =>
        {
            for (var n = 0; n < 400 && Volatile.Read(ref keepSending); n++)
            {
                var key = $"{run}-{sender}-{n}";
                using var response = await SendAsync(key, sender);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    acknowledged[key] = (await response.Content.ReadFromJsonAsync<IngestResult>(Api.Json))!.MessageId;
                }
                else if (response.StatusCode == HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter is not null)
                {
                    refused[key] = 0;
                }
                else
                {
                    unexpected.Enqueue($"{key}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    refused[key] = 0;
                }
            }
        })).ToArray();

        async Task WaitForMoreAcknowledgedAsync(int more)
        {
            var target = acknowledged.Count + more;
            while (acknowledged.Count < target && !senders.All(s => s.IsCompleted))
            {
                await Task.Delay(20, stop.Token);
            }
        }

        await WaitForMoreAcknowledgedAsync(40);

        // A fast restart, as an operator applying a setting would do it.
        await _server.StopAsync();
        await _server.StartAgainAsync();
        await WaitForMoreAcknowledgedAsync(40);

        // A stop of a few seconds: requests in flight and new ones are told to come back, health says so too.
        await _server.StopAsync();
        using (var health = await _app.Anonymous().GetAsync("/health"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            Assert.NotNull(health.Headers.RetryAfter);
        }

        using (var during = await SendAsync($"{run}-during", 9))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
            Assert.NotNull(during.Headers.RetryAfter);
            Assert.Equal("application/problem+json", during.Content.Headers.ContentType?.MediaType);
            refused[$"{run}-during"] = 0;
        }

        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested, "The host began to shut down while the database was away.");
        await _server.StartAgainAsync();

        // Back by itself: health turns healthy and ingest goes on.
        while ((await _app.Anonymous().GetAsync("/health", stop.Token)).StatusCode != HttpStatusCode.OK)
        {
            await Task.Delay(100, stop.Token);
        }

        await WaitForMoreAcknowledgedAsync(40);
        Volatile.Write(ref keepSending, false);
        await Task.WhenAll(senders);

        Assert.Empty(unexpected);
        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested, "The host shut down after the outage.");
        Assert.NotEmpty(refused);

        // What was refused is sent again with the same key, as a client honouring Retry-After would: it lands once.
        foreach (var key in refused.Keys.Where(k => !acknowledged.ContainsKey(k)))
        {
            using var again = await SendAsync(key, key.EndsWith("-during", StringComparison.Ordinal) ? 9 : int.Parse(key.Split('-')[1], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(HttpStatusCode.Created, again.StatusCode);
            acknowledged[key] = (await again.Content.ReadFromJsonAsync<IngestResult>(Api.Json))!.MessageId;
        }

        // Every key acknowledged is one message with its words; nothing acknowledged was lost and nothing was written twice.
        var stored = await _app.WithServices(async services =>
        {
            var db = services.GetRequiredService<RibaltaDbContext>();
            return await db.Set<Message>().Where(m => m.Body.StartsWith($"outage {run} ")).Select(m => new { m.Id, m.Body }).ToListAsync();
        });
        Assert.Equal(acknowledged.Count, stored.Count);
        Assert.Equal(
            acknowledged.OrderBy(a => a.Value).Select(a => (a.Value, $"outage {run} {a.Key}")),
            stored.OrderBy(m => m.Id).Select(m => (m.Id, m.Body)));
    }
}
