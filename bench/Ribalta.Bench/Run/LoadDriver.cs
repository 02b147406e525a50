using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Ribalta.Bench.Run;

/// <summary>
/// Measures a running Ribalta over loopback: inbox page, opening a case with 50 messages (details and
/// conversation), full-text search, durable message writes through the API, chat lines through the widget's hub and
/// (with --email) mail fetched over IMAP. Bounded in time and in requests;
/// waits for a quiet machine before each scenario and records the load average around it; reports percentiles,
/// throughput, errors and the server's resident memory as Markdown and JSON under bench/results/.
/// </summary>
internal enum Outcome
{
    Ok,
    Refused,
    Error,
}

internal static class LoadDriver
{
    private const int MaxRequestsPerScenario = 50_000;

    // Notes written are ordinary ones in the four languages, so later searches do not wade through thousands of identical texts.
    private static readonly string[] Notes = Generate.ConversationTexts.Languages.SelectMany(l => l.Notes).ToArray();

    /// <summary>
    /// What the ingest scenarios send: the customers' own words from the dataset (openings and follow-ups, four
    /// languages), so the messages they add on top of the dataset share its vocabulary, as new mail does, and the
    /// search run after them is not searching newest messages that hold none of its words.
    /// </summary>
    private static readonly string[] CustomerWords = Generate.ConversationTexts.Languages.SelectMany(l => l.Cases.Select(c => c.Body).Concat(l.FollowUps)).ToArray();

    public static readonly string[] Queries = ["paquete", "rimborso", "refund", "الفاتورة", "pacco corriere", "charged twice", "dirección", "منتج"];

    public static async Task<int> RunAsync(Options options)
    {
        var url = options.Get("url", "http://127.0.0.1:5080").TrimEnd('/');
        var seconds = options.Int("seconds", 15);
        var workers = options.Int("workers", 4);
        var pid = options.Get("pid");
        var longCaseEvery = options.Int("long-case-every", 100);
        var quietWait = TimeSpan.FromSeconds(options.Int("quiet-wait", 1200));
        var warmUp = TimeSpan.FromSeconds(options.Int("warm-up", 5));
        var ignore = pid is null ? Array.Empty<int>() : [int.Parse(pid, CultureInfo.InvariantCulture)];
        // --cold true: the kernel's page cache is emptied after each scenario's warm-up, so what is measured reads the
        // database from disk as after a restart or under memory pressure (Linux, root; PostgreSQL's own buffers stay).
        ColdPageCache = options.Get("cold", "false") == "true";
        var handler = new SocketsHttpHandler { UseCookies = true, MaxConnectionsPerServer = Math.Max(workers, options.Int("ingest-workers", 32)) * 2 };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(url) };

        var signIn = await client.PostAsJsonAsync("/api/v1/session", new { email = options.Get("email", "admin@demo.ribalta.test"), password = options.Get("password", "ribalta-demo-2026") });
        if (!signIn.IsSuccessStatusCode)
        {
            Console.Error.WriteLine($"Sign-in failed: {(int)signIn.StatusCode}");
            return 1;
        }

        // Long cases (50 messages in a generated dataset) are every long-case-every-th id; writes go to cases still open.
        var maxCase = await LastCaseIdAsync(client);
        var longCases = Math.Max(1, maxCase / Math.Max(1, longCaseEvery));
        var openCases = await OpenCaseIdsAsync(client, 400);
        Console.WriteLine($"Cases up to {maxCase:N0}; opening every {longCaseEvery}th; writing notes on {openCases.Count} open cases.");

        var scenarios = new (string Name, Func<HttpClient, Random, Task<HttpResponseMessage>> Call)[]
        {
            ("inbox page (Open view, 50 rows)", (c, r) => c.GetAsync("/api/v1/cases?view=Open&limit=50")),
            ($"case open (details + {(longCaseEvery > 1 ? "50" : "all")} messages)", async (c, r) =>
            {
                var id = r.NextInt64(1, longCases + 1) * Math.Max(1, longCaseEvery);
                using var details = await c.GetAsync($"/api/v1/cases/{id}");
                return details.IsSuccessStatusCode ? await c.GetAsync($"/api/v1/cases/{id}/messages") : new HttpResponseMessage(details.StatusCode);
            }),
            ("full-text search (4 languages)", (c, r) => c.GetAsync($"/api/v1/search?q={Uri.EscapeDataString(Queries[r.Next(Queries.Length)])}&limit=25")),
            ("internal note write (durable, one transaction each)", (c, r) =>
                c.PostAsJsonAsync($"/api/v1/cases/{openCases[r.Next(openCases.Count)]}/notes", new { body = Notes[r.Next(Notes.Length)] })),
        };

        // Inbound messages as an integration sends them: many in flight, each continuing its sender's case, each with
        // its own Idempotency-Key; answered only once committed (the server commits concurrent ones together).
        var ingestWorkers = options.Int("ingest-workers", 32);
        var senders = await SendersAsync(client, openCases.Take(200));
        var ingest = ($"message ingest, POST /api/v1/messages ({ingestWorkers} in flight, durable)", new Func<HttpClient, Random, Task<HttpResponseMessage>>((c, r) =>
        {
            var (caseId, email) = senders[r.Next(senders.Count)];
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/messages")
            {
                Content = JsonContent.Create(new { from = new { email }, body = CustomerWords[r.Next(CustomerWords.Length)], channel = "Email", caseId }),
            };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            return c.SendAsync(request);
        }));

        // --only a comma-separated list of words: measures just the scenarios whose names contain one of them (e.g. "ingest,search").
        var only = options.Get("only")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        // The same traffic as an integration that forwards what it collected: --batch-size messages a request (POST
        // /api/v1/messages/batch), --batch-workers requests in flight. Any message refused inside a batch counts the
        // request as refused.
        var batchSize = options.Int("batch-size", 50);
        var batchWorkers = options.Int("batch-workers", 4);
        var batch = ($"message ingest, POST /api/v1/messages/batch ({batchSize} a request, {batchWorkers} in flight, durable)", new Func<HttpClient, Random, Task<HttpResponseMessage>>(async (c, r) =>
        {
            var messages = Enumerable.Range(0, batchSize).Select(_ =>
            {
                var (caseId, email) = senders[r.Next(senders.Count)];
                return new { from = new { email }, body = CustomerWords[r.Next(CustomerWords.Length)], channel = "Email", caseId, idempotencyKey = Guid.NewGuid().ToString() };
            }).ToList();
            var response = await c.PostAsJsonAsync("/api/v1/messages/batch", new { messages });
            if (response.IsSuccessStatusCode && (await response.Content.ReadAsStringAsync()).Contains("\"status\":4", StringComparison.Ordinal))
            {
                response.Dispose();
                return new HttpResponseMessage(System.Net.HttpStatusCode.Conflict);
            }

            return response;
        }));

        // Chat lines as visitors send them from the widget: --chat-visitors connections (SignalR over WebSockets), each
        // sending its next line as soon as the last is acknowledged (committed).
        var chatVisitors = options.Int("chat-visitors", 32);
        var chatName = $"chat lines, SignalR Send ({chatVisitors} visitors, durable)";
        // Mail fetched from a real IMAP server (Dovecot, started here) by the server's poller: --emails messages.
        var emailCount = options.Int("emails", 0);
        var emailName = $"email ingest, IMAP fetch + parse + land ({emailCount} messages, checks of up to 200)";

        // Resolutions granted on the spot: a 1 EUR credit each, on open cases, within an envelope the driver sets for
        // the signed-in person's role (Admin) so the limits never stop it: what is measured is the grant's write path
        // (history read, envelope decision, grants, ledger versions, the customer's reply, in one transaction).
        var grantName = $"resolution granted, POST /api/v1/cases/{{id}}/resolutions ({workers} in flight, durable)";
        var grantOption = Wanted(grantName) ? await GrantSetupAsync(client) : (Guid?)null;
        var grant = (grantName, new Func<HttpClient, Random, Task<HttpResponseMessage>>((c, r) =>
            c.PostAsJsonAsync($"/api/v1/cases/{openCases[r.Next(openCases.Count)]}/resolutions", new
            {
                lines = new[] { new { optionId = grantOption, amount = new { amount = 1, currency = "EUR" } } },
                reason = "Bench: goodwill credit",
            })));

        // Promises made and kept: each operation records a promise due in two days on an open case, then keeps it (two
        // durable writes, each with its event). The keeping-rate report reads what they leave behind.
        var promiseName = $"promise made + kept, POST /api/v1/cases/{{id}}/promises + POST /api/v1/promises/{{id}}/keep ({workers} in flight, durable)";
        var promise = (promiseName, new Func<HttpClient, Random, Task<HttpResponseMessage>>(async (c, r) =>
        {
            var made = await c.PostAsJsonAsync($"/api/v1/cases/{openCases[r.Next(openCases.Count)]}/promises", new
            {
                kind = "CallBack",
                words = "We will call you back the day after tomorrow.",
                dueAt = DateTimeOffset.UtcNow.AddDays(2),
            });
            if (!made.IsSuccessStatusCode)
            {
                return made;
            }

            var id = (await made.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetInt64();
            made.Dispose();
            return await c.PostAsync($"/api/v1/promises/{id}/keep", null);
        }));
        var reportName = "promise-keeping rate report (90 days, by agent)";
        var report = (reportName, new Func<HttpClient, Random, Task<HttpResponseMessage>>((c, r) => c.GetAsync("/api/v1/promises/report?by=agent")));

        bool Wanted(string name) => only.Length == 0 || only.Any(word => name.Contains(word, StringComparison.OrdinalIgnoreCase));
        async Task<MachineState> QuietAsync() =>
            quietWait > TimeSpan.Zero ? await QuietMachine.WaitAsync(quietWait, ignore) : new MachineState(false, QuietMachine.LoadAverage(), TimeSpan.Zero, ["not checked"]);

        var results = new List<ScenarioResult>();
        var lags = new List<LagResult>();
        var all = scenarios.Select(s => (s.Name, Call: Http(client, s.Call), Concurrency: workers, PerRequest: 1))
            .Append((ingest.Item1, Http(client, ingest.Item2), ingestWorkers, 1))
            .Append((batch.Item1, Http(client, batch.Item2), batchWorkers, batchSize));
        foreach (var (name, call, concurrency, perRequest) in all)
        {
            if (!Wanted(name))
            {
                continue;
            }

            if ((name == ingest.Item1 || name == batch.Item1) && senders.Count == 0)
            {
                Console.WriteLine("No open case with an email sender: ingest not measured.");
                continue;
            }

            var machine = await QuietAsync();

            // Under batch ingest, the projections' lag behind the log is sampled too (budget: p99 at most 2 s).
            var lag = name == batch.Item1 ? ProjectionLag.Start(client) : null;
            results.Add(await MeasureAsync(name, seconds, warmUp, concurrency, call, machine, ignore) with { PerRequest = perRequest });
            if (lag is not null)
            {
                lags.AddRange(await lag.StopAsync(name));
            }
        }

        if (grantOption is not null)
        {
            results.Add(await MeasureAsync(grantName, seconds, warmUp, workers, Http(client, grant.Item2), await QuietAsync(), ignore));
        }

        foreach (var (name, call) in new[] { promise, report }.Where(s => Wanted(s.Item1)))
        {
            results.Add(await MeasureAsync(name, seconds, warmUp, workers, Http(client, call), await QuietAsync(), ignore));
        }

        if (chatVisitors > 0 && Wanted(chatName))
        {
            if (await ChatAsync(chatName, client, url, seconds, warmUp, chatVisitors, QuietAsync, ignore) is { } measured)
            {
                results.Add(measured);
            }
        }

        if (emailCount > 0 && Wanted(emailName))
        {
            results.Add(await EmailLoad.RunAsync(client, emailName, emailCount, QuietAsync, ignore));
        }

        var rss = pid is null ? null : ReadMemory(pid);
        Report(results, lags, rss, url, options.Get("label", ""), workers, options.Get("out", "bench/results"));
        return 0;
    }

    /// <summary>
    /// The chat scenario. Visitors the server refuses to let start (its limits on new chats, when set below the bench's
    /// numbers) leave the scenario unmeasured, with the server's reason, not the run without results.
    /// </summary>
    private static async Task<ScenarioResult?> ChatAsync(string name, HttpClient client, string url, int seconds, TimeSpan warmUp, int visitors, Func<Task<MachineState>> quiet, IReadOnlyCollection<int> ignore)
    {
        ChatLoad chat;
        try
        {
            chat = await ChatLoad.StartAsync(client, url, visitors);
        }
        catch (Microsoft.AspNetCore.SignalR.HubException refused)
        {
            Console.Error.WriteLine($"{name}: not measured, a visitor could not start a chat: {refused.Message}");
            return null;
        }

        await using (chat)
        {
            return await MeasureAsync(name, seconds, warmUp, visitors, chat.SendAsync, await quiet(), ignore);
        }
    }

    /// <summary>An HTTP call as a measured operation: 5xx, 401 and 403 are errors; other 4xx are refusals.</summary>
    private static Func<int, Random, Task<Outcome>> Http(HttpClient client, Func<HttpClient, Random, Task<HttpResponseMessage>> call) => async (_, random) =>
    {
        using var response = await call(client, random);
        return (int)response.StatusCode >= 500 || response.StatusCode is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden ? Outcome.Error
            : response.IsSuccessStatusCode ? Outcome.Ok
            // Expected refusals, such as a note on a case closed meanwhile: correct answers, but not the operation measured.
            : Outcome.Refused;
    };

    /// <summary>Set by <c>--cold</c>: each scenario is measured from an emptied page cache.</summary>
    private static bool ColdPageCache { get; set; }

    public static async Task<ScenarioResult> MeasureAsync(string name, int seconds, TimeSpan warmUp, int workers, Func<int, Random, Task<Outcome>> call, MachineState machine, IReadOnlyCollection<int> ignore)
    {
        // Warm up with the same concurrency, unrecorded: the first requests compile queries, tier up the JIT and fill caches.
        var warmUntil = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async w =>
        {
            var warm = new Random(1000 + w);
            for (var i = 0; i < 500 && warmUntil.Elapsed < warmUp; i++)
            {
                await call(w, warm);
            }
        }));

        if (ColdPageCache)
        {
            await PageCache.DropAsync();
            name += " [cold page cache]";
        }

        // The load average when the machine was found quiet, before the warm-up: what others were doing.
        var loadAtStart = machine.LoadAverage;
        var latencies = new List<double>[workers];
        var errors = 0;
        var refused = 0;
        var others = QuietMachine.Snapshot(ignore);
        var deadline = Stopwatch.StartNew();
        var total = 0;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async w =>
        {
            latencies[w] = [];
            var random = new Random(w + 7);
            while (deadline.Elapsed.TotalSeconds < seconds && Interlocked.Increment(ref total) <= MaxRequestsPerScenario)
            {
                var started = Stopwatch.GetTimestamp();
                var outcome = await call(w, random);
                latencies[w].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (outcome == Outcome.Error)
                {
                    Interlocked.Increment(ref errors);
                }
                else if (outcome == Outcome.Refused)
                {
                    Interlocked.Increment(ref refused);
                }
            }
        }));

        var elapsed = deadline.Elapsed.TotalSeconds;

        // A build or test run that started during the measurement spoils it as surely as one running before.
        var disturbed = QuietMachine.BusyBetween(others, QuietMachine.Snapshot(ignore), deadline.Elapsed);
        if (disturbed.Count > 0)
        {
            machine = machine with { Quiet = false, Busy = [.. machine.Busy, .. disturbed.Select(d => d + " during the run")] };
        }

        var all = latencies.SelectMany(l => l).Order().ToArray();
        double P(double q) => all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)Math.Ceiling(q * all.Length) - 1)];
        var result = new ScenarioResult(name, all.Length, all.Length / elapsed, P(0.50), P(0.95), P(0.99), all.Length == 0 ? 0 : all[^1], errors, refused,
            machine.Quiet, machine.Waited.TotalSeconds, loadAtStart, QuietMachine.LoadAverage(), machine.Busy);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {result.Requests} requests, {result.PerSecond:N0}/s, p50 {result.P50:N1} ms, p95 {result.P95:N1} ms, p99 {result.P99:N1} ms, max {result.Max:N1} ms, {errors} errors, {refused} refused; load {result.LoadAtStart:F2} -> {result.LoadAtEnd:F2}{(machine.Quiet ? "" : " (machine NOT quiet: " + string.Join(", ", machine.Busy) + ")")}"));
        return result;
    }

    /// <summary>A credit option and an envelope for the bench's own role that no run can exhaust.</summary>
    private static async Task<Guid> GrantSetupAsync(HttpClient client)
    {
        var option = await client.PostAsJsonAsync("/api/v1/resolution-options", new
        {
            kind = "Credit", measure = "Money", names = new Dictionary<string, string> { ["en"] = "Bench credit " + DateTimeOffset.UtcNow.ToUnixTimeSeconds() },
        });
        option.EnsureSuccessStatusCode();
        var id = (await option.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var rule = await client.PostAsJsonAsync("/api/v1/envelope-rules", new
        {
            optionId = id, role = "Admin", perGrant = new[] { new { amount = 10, currency = "EUR" } }, monthlyBudget = new[] { new { amount = 100_000_000, currency = "EUR" } },
        });
        rule.EnsureSuccessStatusCode();
        return id;
    }

    /// <summary>The highest case id, by doubling then halving over GET /api/v1/cases/{id} (ids are dense).</summary>
    private static async Task<long> LastCaseIdAsync(HttpClient client)
    {
        async Task<bool> Exists(long id)
        {
            using var response = await client.GetAsync($"/api/v1/cases/{id}");
            return response.IsSuccessStatusCode;
        }

        long low = 0, high = 1;
        while (await Exists(high))
        {
            low = high;
            high *= 2;
        }

        while (high - low > 1)
        {
            var middle = low + ((high - low) / 2);
            if (await Exists(middle))
            {
                low = middle;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    /// <summary>Ids of the most recently active open cases, a page at a time.</summary>
    /// <summary>Open cases with their customer's email, to send messages that continue them.</summary>
    private static async Task<List<(long CaseId, string Email)>> SendersAsync(HttpClient client, IEnumerable<long> cases)
    {
        var senders = new List<(long, string)>();
        foreach (var id in cases)
        {
            var details = await client.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{id}");
            var customer = await client.GetFromJsonAsync<JsonElement>($"/api/v1/customers/{details.GetProperty("customerId").GetGuid()}");
            var email = customer.GetProperty("contactPoints").EnumerateArray()
                .FirstOrDefault(p => p.GetProperty("kind").ToString() is "Email" or "0");
            if (email.ValueKind == JsonValueKind.Object)
            {
                senders.Add((id, email.GetProperty("value").GetString()!));
            }
        }

        return senders;
    }

    private static async Task<List<long>> OpenCaseIdsAsync(HttpClient client, int count)
    {
        var ids = new List<long>();
        string? after = null;
        while (ids.Count < count)
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"/api/v1/cases?view=Open&limit=100{(after is null ? "" : "&after=" + Uri.EscapeDataString(after))}");
            ids.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()));
            if (page.GetProperty("next").ValueKind != JsonValueKind.String)
            {
                break;
            }

            after = page.GetProperty("next").GetString();
        }

        return ids.Count > 0 ? ids : throw new InvalidOperationException("No open cases to write to");
    }

    /// <summary>The server's resident memory now and at its peak (VmRSS, VmHWM), in MB.</summary>
    private static (double Now, double Peak)? ReadMemory(string pid)
    {
        var lines = File.ReadAllLines($"/proc/{pid}/status");
        double Field(string name) => double.Parse(lines.First(l => l.StartsWith(name, StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        return (Field("VmRSS:"), Field("VmHWM:"));
    }

    internal static string Machine()
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        var memory = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        return string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores ({cpu}), {double.Parse(memory, CultureInfo.InvariantCulture) / 1024 / 1024:F0} GiB");
    }

    private static void Report(IReadOnlyList<ScenarioResult> results, IReadOnlyList<LagResult> lags, (double Now, double Peak)? rss, string url, string label, int workers, string outDirectory)
    {
        Directory.CreateDirectory(outDirectory);
        var stamp = DateTimeOffset.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var machine = Machine();
        var markdown = new StringBuilder();
        markdown.AppendLine(CultureInfo.InvariantCulture, $"Ribalta at {url}{(label.Length > 0 ? $" ({label})" : "")}, {stamp}");
        markdown.AppendLine();
        markdown.AppendLine(CultureInfo.InvariantCulture, $"Machine: {machine}; {workers} workers on the same machine as the server.");
        markdown.AppendLine();
        markdown.AppendLine("| operation | requests | per second | items per second | p50 ms | p95 ms | p99 ms | max ms | errors | refused (4xx) | load start → end | quiet |");
        markdown.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
        foreach (var r in results)
        {
            markdown.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Name} | {r.Requests} | {r.PerSecond:F0} | {r.PerSecond * r.PerRequest:F0} | {r.P50:F1} | {r.P95:F1} | {r.P99:F1} | {r.Max:F1} | {r.Errors} | {r.Refused} | {r.LoadAtStart:F2} → {r.LoadAtEnd:F2} | {(r.Quiet ? $"yes (after {r.WaitedSeconds:F0} s)" : "NO: " + string.Join(", ", r.Busy))} |");
        }

        if (lags.Count > 0)
        {
            markdown.AppendLine();
            markdown.AppendLine("| projection lag behind the log (s) | during | samples | p50 | p99 | max |");
            markdown.AppendLine("|---|---|---:|---:|---:|---:|");
            foreach (var l in lags)
            {
                markdown.AppendLine(CultureInfo.InvariantCulture, $"| {l.Projection} | {l.During} | {l.Samples} | {l.P50:F2} | {l.P99:F2} | {l.Max:F2} |");
            }
        }

        if (rss is { } memory)
        {
            markdown.AppendLine();
            markdown.AppendLine(CultureInfo.InvariantCulture, $"Server resident memory after the run: {memory.Now:F0} MB (peak {memory.Peak:F0} MB)");
        }

        File.WriteAllText(Path.Combine(outDirectory, $"{stamp}.md"), markdown.ToString());
        File.WriteAllText(Path.Combine(outDirectory, $"{stamp}.json"), JsonSerializer.Serialize(
            new { url, label, stamp, machine, workers, rssMegabytes = rss?.Now, peakRssMegabytes = rss?.Peak, results, lags },
            new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine(markdown);
    }

    internal sealed record ScenarioResult(
        string Name, int Requests, double PerSecond, double P50, double P95, double P99, double Max, int Errors, int Refused,
        bool Quiet, double WaitedSeconds, double LoadAtStart, double LoadAtEnd, IReadOnlyList<string> Busy)
    {
        /// <summary>Messages (or other items) each request carries: 1, or the batch size.</summary>
        public int PerRequest { get; init; } = 1;
    }
}
