using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Ribalta.Bench;

/// <summary>
/// Measures a running Ribalta over loopback: inbox page, case open (details and 100 messages), full-text search,
/// and a durable message write through the API. Bounded in time and in requests; reports percentiles,
/// throughput, errors and the server's resident memory as Markdown and JSON under bench/results/.
/// </summary>
internal static class LoadDriver
{
    private const int MaxRequestsPerScenario = 50_000;

    private static readonly string[] Queries = ["paquete", "rimborso", "refund", "الفاتورة", "pacco corriere", "charged twice", "dirección", "منتج"];

    public static async Task<int> RunAsync(Options options)
    {
        var url = options.Get("url", "http://127.0.0.1:5080").TrimEnd('/');
        var seconds = options.Int("seconds", 15);
        var workers = options.Int("workers", 4);
        var pid = options.Get("pid");
        var handler = new SocketsHttpHandler { UseCookies = true, MaxConnectionsPerServer = workers * 2 };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(url) };

        var signIn = await client.PostAsJsonAsync("/api/v1/session", new { email = options.Get("email", "admin@demo.ribalta.test"), password = options.Get("password", "ribalta-demo-2026") });
        if (!signIn.IsSuccessStatusCode)
        {
            Console.Error.WriteLine($"Sign-in failed: {(int)signIn.StatusCode}");
            return 1;
        }

        var maxCase = (await client.GetFromJsonAsync<JsonElement>("/api/v1/cases?view=All&limit=1")).GetProperty("items")[0].GetProperty("id").GetInt64();
        var results = new List<ScenarioResult>
        {
            await MeasureAsync("inbox page (50 rows)", seconds, workers, (c, r) => c.GetAsync("/api/v1/cases?view=Open&limit=50"), client),
            await MeasureAsync("case open (details + 100 messages)", seconds, workers, async (c, r) =>
            {
                var id = r.NextInt64(1, maxCase + 1);
                var details = await c.GetAsync($"/api/v1/cases/{id}");
                return details.IsSuccessStatusCode ? await c.GetAsync($"/api/v1/cases/{id}/messages") : details;
            }, client),
            await MeasureAsync("full-text search (4 languages)", seconds, workers, (c, r) => c.GetAsync($"/api/v1/search?q={Uri.EscapeDataString(Queries[r.Next(Queries.Length)])}&limit=25"), client),
            await MeasureAsync("message write through the API (durable)", seconds, workers, (c, r) =>
                c.PostAsJsonAsync($"/api/v1/cases/{r.NextInt64(1, maxCase + 1)}/notes", new { body = "Benchmark note: checked with logistics." }), client),
        };

        var rss = pid is null ? null : ReadRssMegabytes(pid);
        Report(results, rss, url, options.Get("out", "bench/results"));
        return 0;
    }

    private static async Task<ScenarioResult> MeasureAsync(string name, int seconds, int workers, Func<HttpClient, Random, Task<HttpResponseMessage>> call, HttpClient client)
    {
        // Warm up: the first requests compile queries and fill caches.
        var warm = new Random(1);
        for (var i = 0; i < 20; i++)
        {
            (await call(client, warm)).Dispose();
        }

        var latencies = new List<double>[workers];
        var errors = 0;
        var refused = 0;
        var deadline = Stopwatch.StartNew();
        var total = 0;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async w =>
        {
            latencies[w] = [];
            var random = new Random(w + 7);
            while (deadline.Elapsed.TotalSeconds < seconds && Interlocked.Increment(ref total) <= MaxRequestsPerScenario)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await call(client, random);
                latencies[w].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if ((int)response.StatusCode >= 500 || response.StatusCode is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden)
                {
                    Interlocked.Increment(ref errors);
                }
                else if (!response.IsSuccessStatusCode)
                {
                    // Expected refusals, such as a note on a closed case: correct answers, but not the operation measured.
                    Interlocked.Increment(ref refused);
                }
            }
        }));

        var all = latencies.SelectMany(l => l).Order().ToArray();
        double P(double q) => all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)Math.Ceiling(q * all.Length) - 1)];
        var result = new ScenarioResult(name, all.Length, all.Length / deadline.Elapsed.TotalSeconds, P(0.50), P(0.95), P(0.99), errors, refused);
        Console.WriteLine($"{name}: {result.Requests} requests, {result.PerSecond:N0}/s, p50 {result.P50:N1} ms, p95 {result.P95:N1} ms, p99 {result.P99:N1} ms, {errors} errors, {refused} refused");
        return result;
    }

    private static double? ReadRssMegabytes(string pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? null : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    private static void Report(IReadOnlyList<ScenarioResult> results, double? rss, string url, string outDirectory)
    {
        Directory.CreateDirectory(outDirectory);
        var stamp = DateTimeOffset.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var markdown = new StringBuilder();
        markdown.AppendLine(CultureInfo.InvariantCulture, $"Ribalta at {url}, {Environment.ProcessorCount} cores, {stamp}");
        markdown.AppendLine();
        markdown.AppendLine("| operation | requests | per second | p50 ms | p95 ms | p99 ms | errors | refused (4xx) |");
        markdown.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            markdown.AppendLine(CultureInfo.InvariantCulture, $"| {r.Name} | {r.Requests} | {r.PerSecond:F0} | {r.P50:F1} | {r.P95:F1} | {r.P99:F1} | {r.Errors} | {r.Refused} |");
        }

        if (rss is not null)
        {
            markdown.AppendLine();
            markdown.AppendLine(CultureInfo.InvariantCulture, $"Server resident memory after the run: {rss:F0} MB");
        }

        File.WriteAllText(Path.Combine(outDirectory, $"{stamp}.md"), markdown.ToString());
        File.WriteAllText(Path.Combine(outDirectory, $"{stamp}.json"), JsonSerializer.Serialize(new { url, stamp, rssMegabytes = rss, results }, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine(markdown);
    }

    private sealed record ScenarioResult(string Name, int Requests, double PerSecond, double P50, double P95, double P99, int Errors, int Refused);
}
