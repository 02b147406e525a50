using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using MimeKit;

namespace Ribalta.Bench.Run;

/// <summary>
/// Visitors chatting through the widget's hub, as the widget does it: a widget for a bench origin, one SignalR
/// connection (WebSockets) per visitor, each with a chat started; a measured call sends one line and returns when the
/// server acknowledged it, which it does only once the line is committed.
/// </summary>
internal sealed class ChatLoad : IAsyncDisposable
{
    private const string Origin = "http://bench.invalid";
    private static readonly string[] Lines = Generate.ConversationTexts.Languages.SelectMany(l => l.Notes).ToArray();
    private readonly List<HubConnection> _visitors = [];

    public static async Task<ChatLoad> StartAsync(HttpClient admin, string url, int visitors)
    {
        var created = await admin.PostAsJsonAsync("/api/v1/chat/widgets", new { name = "Bench " + DateTimeOffset.UtcNow.ToString("s", CultureInfo.InvariantCulture), allowedOrigins = new[] { Origin } });
        created.EnsureSuccessStatusCode();
        var key = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        var load = new ChatLoad();
        // Each visitor is its own browser, with the id the widget keeps for it: new chats are limited per visitor, and
        // all of the bench's visitors come from one address.
        var run = Guid.NewGuid().ToString("N");
        try
        {
            for (var i = 0; i < visitors; i++)
            {
                await load.ConnectAsync(url, key, Lines[i % Lines.Length], i, $"bench-{run}-{i}");
            }
        }
        catch
        {
            await load.DisposeAsync();
            throw;
        }

        Console.WriteLine($"{visitors} chat visitors connected to widget {key}.");
        return load;
    }

    /// <summary>One visitor: a connection of its own, and a chat started from it.</summary>
    private async Task ConnectAsync(string url, string key, string line, int i, string visitorId)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl($"{url}/chat/hub?widget={key}&lang=en", options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.Headers["Origin"] = Origin;
            })
            .Build();
        _visitors.Add(connection);
        await connection.StartAsync();
        await connection.InvokeAsync<JsonElement>("Start", new { name = $"Bench visitor {i}", message = line, visitorId });
    }

    public async Task<Outcome> SendAsync(int visitor, Random random)
    {
        try
        {
            await _visitors[visitor].InvokeAsync<JsonElement>("Send", Lines[random.Next(Lines.Length)]);
            return Outcome.Ok;
        }
        catch (HubException)
        {
            // A refusal with a reason (the server's per-connection limit, when it is not raised for the bench).
            return Outcome.Refused;
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or OperationCanceledException)
        {
            return Outcome.Error;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var visitor in _visitors)
        {
            await visitor.DisposeAsync();
        }
    }
}

/// <summary>
/// Mail as a mailbox receives it: a Dovecot IMAP server started here (its own configuration in a temporary directory,
/// loopback only), <c>count</c> messages appended to its inbox, a Ribalta mailbox pointing at it, and "check now"
/// called until every message has landed (fetched, parsed, stored as a case, marked seen). The rate is messages landed
/// per second of wall time; the percentiles are those of the checks, each taking up to 200 messages.
/// </summary>
internal static class EmailLoad
{
    private const string User = "bench";
    private const string Password = "bench-secret";

    public static async Task<LoadDriver.ScenarioResult> RunAsync(HttpClient admin, string name, int count, Func<Task<MachineState>> quiet, IReadOnlyCollection<int> ignore)
    {
        if (!File.Exists("/usr/sbin/dovecot"))
        {
            throw new InvalidOperationException("The email scenario runs Dovecot: apt-get install dovecot-imapd");
        }

        var root = Path.Combine(Path.GetTempPath(), "ribalta-bench-mail-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        if (!OperatingSystem.IsWindows())
        {
            // Dovecot's auth process runs as another user and must be able to enter the directory.
            File.SetUnixFileMode(root, (UnixFileMode)Convert.ToInt32("755", 8));
        }
        using var dovecot = await StartDovecotAsync(root);
        try
        {
            var port = int.Parse(await File.ReadAllTextAsync(Path.Combine(root, "port")), CultureInfo.InvariantCulture);
            await DeliverAsync(port, count);
            var mailbox = await admin.PostAsJsonAsync("/api/v1/mailboxes", new
            {
                name = "Bench mail",
                address = $"bench-{Guid.NewGuid():N}@bench.invalid",
                senderName = "Bench",
                enabled = true,
                inboundProtocol = "Imap",
                inboundHost = "127.0.0.1",
                inboundPort = port,
                inboundSecurity = "None",
                inboundUser = User,
                inboundPassword = Password,
                pollSeconds = 3600,
            });
            mailbox.EnsureSuccessStatusCode();
            var id = (await mailbox.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

            var machine = await quiet();
            var loadAtStart = machine.LoadAverage;
            var others = QuietMachine.Snapshot(ignore);
            var checks = new List<double>();
            var errors = 0;
            var clock = Stopwatch.StartNew();
            var landed = 0L;
            while (landed < count && clock.Elapsed < TimeSpan.FromMinutes(10))
            {
                var started = Stopwatch.GetTimestamp();
                using var poll = await admin.PostAsync($"/api/v1/mailboxes/{id}/poll", null);
                checks.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                var result = await poll.Content.ReadFromJsonAsync<JsonElement>();
                if (!poll.IsSuccessStatusCode || result.GetProperty("error").ValueKind == JsonValueKind.String || result.GetProperty("failed").GetInt32() > 0)
                {
                    errors++;
                }

                // Counted from the mailbox, so what the background poller landed between two checks counts too.
                landed = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/mailboxes/{id}")).GetProperty("importedCount").GetInt64();
            }

            var elapsed = clock.Elapsed.TotalSeconds;
            var disturbed = QuietMachine.BusyBetween(others, QuietMachine.Snapshot(ignore), clock.Elapsed);
            if (disturbed.Count > 0)
            {
                machine = machine with { Quiet = false, Busy = [.. machine.Busy, .. disturbed.Select(d => d + " during the run")] };
            }

            (await admin.DeleteAsync($"/api/v1/mailboxes/{id}")).Dispose();
            var sorted = checks.Order().ToArray();
            double P(double q) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
            var missing = (int)Math.Max(0, count - landed);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name}: {landed} landed in {elapsed:N1} s, {landed / elapsed:N0}/s, {checks.Count} checks (p50 {P(0.5):N0} ms), {errors} failed checks, {missing} not landed"));
            return new LoadDriver.ScenarioResult(name, (int)landed, landed / elapsed, P(0.50), P(0.95), P(0.99), sorted.Length == 0 ? 0 : sorted[^1], errors + missing, 0,
                machine.Quiet, machine.Waited.TotalSeconds, loadAtStart, QuietMachine.LoadAverage(), machine.Busy);
        }
        finally
        {
            dovecot.Kill(entireProcessTree: true);
            await dovecot.WaitForExitAsync();
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Customers' mail in four languages, each a new matter from one of a hundred senders.</summary>
    private static async Task DeliverAsync(int port, int count)
    {
        using var imap = new ImapClient();
        await imap.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None);
        await imap.AuthenticateAsync(User, Password);
        var languages = Generate.ConversationTexts.Languages;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var language = languages[i % languages.Length];
            var message = new MimeMessage();
            message.From.Add(new MailboxAddress($"Sender {i % 100}", $"sender{i % 100}@bench.invalid"));
            message.To.Add(new MailboxAddress("Support", "support@bench.invalid"));
            message.Subject = $"{language.Notes[i % language.Notes.Length].Split('.')[0]} #{i}";
            message.MessageId = $"bench.{i}.{Guid.NewGuid():N}@bench.invalid";
            message.Date = DateTimeOffset.UtcNow;
            message.Body = new TextPart("plain") { Text = string.Join("\n\n", language.Notes.Skip(i % 3).Take(3)) };
            await imap.Inbox.AppendAsync(message, MessageFlags.None);
        }

        await imap.DisconnectAsync(true);
        Console.WriteLine($"{count} messages delivered to the IMAP inbox in {clock.Elapsed.TotalSeconds:N1} s.");
    }

    private static async Task<Process> StartDovecotAsync(string root)
    {
        var asRoot = Environment.UserName == "root";
        var (uid, gid) = asRoot ? ("1000", "1000") : (await OutputAsync("id", "-u"), await OutputAsync("id", "-g"));
        var mail = Path.Combine(root, "mail");
        Directory.CreateDirectory(mail);
        if (asRoot)
        {
            await OutputAsync("chown", $"{uid}:{gid}", mail);
        }

        await File.WriteAllTextAsync(Path.Combine(root, "users"), $"{User}:{{PLAIN}}{Password}:{uid}:{gid}::{mail}/{User}\n");
        var port = FreePort();
        await File.WriteAllTextAsync(Path.Combine(root, "port"), port.ToString(CultureInfo.InvariantCulture));
        await File.WriteAllTextAsync(Path.Combine(root, "dovecot.conf"), Ribalta.Testing.DovecotConfig.Render(root, mail, port, null, asRoot));
        var process = Process.Start(new ProcessStartInfo("/usr/sbin/dovecot", ["-F", "-c", Path.Combine(root, "dovecot.conf")]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port);
                return process;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        process.Kill(entireProcessTree: true);
        throw new InvalidOperationException("Dovecot did not start: " + (File.Exists(Path.Combine(root, "dovecot.log")) ? await File.ReadAllTextAsync(Path.Combine(root, "dovecot.log")) : ""));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<string> OutputAsync(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output.Trim();
    }
}
