using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;
using Xunit;

namespace Ribalta.Tests.Infrastructure;

/// <summary>
/// Real mail servers for the email tests, started from Debian's packages on free loopback ports: Dovecot (IMAP and
/// POP3, its own configuration and passwd-file users in a temporary directory) and an aiosmtpd SMTP sink writing to a
/// Maildir. Never skipped: without the packages the tests fail and say how to install them. The sink refuses mail to
/// chosen recipients, as real servers do: <see cref="RefusedPrefix"/> for good (550), <see cref="DeferredPrefix"/> for now (451).
/// </summary>
public sealed class MailServers : IAsyncLifetime
{
    public const string Password = "mail-secret";

    /// <summary>Mail to an address starting with this is refused for good (550 at RCPT).</summary>
    public const string RefusedPrefix = "refuse-";

    /// <summary>Mail to an address starting with this is refused for now (451 at RCPT), every time.</summary>
    public const string DeferredPrefix = "later-";

    // aiosmtpd's Maildir handler, answering RCPT for the recipients above as a refusing server would.
    private const string SinkHandler = """
        from aiosmtpd.handlers import Mailbox

        class RefusingMailbox(Mailbox):
            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                local = address.split('@')[0].lower()
                if local.startswith('refuse-'):
                    return '550 5.1.1 No such user here'
                if local.startswith('later-'):
                    return '451 4.3.0 Mailbox busy, try again later'
                envelope.rcpt_tos.append(address)
                return '250 OK'
        """;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "ribalta-mail-" + Guid.NewGuid().ToString("N")[..8]);
    private Process? _dovecot;
    private Process? _smtp;

    public int ImapPort { get; private set; }

    public int Pop3Port { get; private set; }

    public int SmtpPort { get; private set; }

    public string SinkDirectory => Path.Combine(_root, "sink");

    /// <summary>Mail users of the IMAP/POP3 server; a test takes its own so it sees only its own mail.</summary>
    public static readonly string[] Users = ["imap1", "imap2", "imap3", "imap4", "imap5", "imap6", "imap7", "imap8", "imap9", "imap10", "imap11", "imap12", "pop1", "pop2"];

    public async Task InitializeAsync()
    {
        if (!File.Exists("/usr/sbin/dovecot"))
        {
            throw new InvalidOperationException("Dovecot is not installed. Run ./test.sh, which installs it, or `apt-get install dovecot-imapd dovecot-pop3d`.");
        }

        Directory.CreateDirectory(_root);
        // Dovecot's auth process runs as another user and must be able to enter the directory.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_root, (UnixFileMode)Convert.ToInt32("755", 8));
        }

        var asRoot = Environment.UserName == "root";
        var uid = asRoot ? 1000 : int.Parse(await OutputAsync("id", "-u"), System.Globalization.CultureInfo.InvariantCulture);
        var gid = asRoot ? 1000 : int.Parse(await OutputAsync("id", "-g"), System.Globalization.CultureInfo.InvariantCulture);
        var mail = Path.Combine(_root, "mail");
        Directory.CreateDirectory(mail);
        await File.WriteAllLinesAsync(Path.Combine(_root, "users"), Users.Select(u => $"{u}:{{PLAIN}}{Password}:{uid}:{gid}::{mail}/{u}"));
        if (asRoot)
        {
            await OutputAsync("chown", $"{uid}:{gid}", mail);
        }

        ImapPort = PostgresServer.FreePort();
        Pop3Port = PostgresServer.FreePort();
        await File.WriteAllTextAsync(Path.Combine(_root, "dovecot.conf"), Ribalta.Testing.DovecotConfig.Render(_root, mail, ImapPort, Pop3Port, asRoot));
        _dovecot = Started(new ProcessStartInfo("/usr/sbin/dovecot", ["-F", "-c", Path.Combine(_root, "dovecot.conf")]));
        await WaitForPortAsync(ImapPort, "Dovecot", () => File.Exists(Path.Combine(_root, "dovecot.log")) ? File.ReadAllText(Path.Combine(_root, "dovecot.log")) : "");
        await WaitForPortAsync(Pop3Port, "Dovecot POP3", () => "");

        SmtpPort = PostgresServer.FreePort();
        StartSmtp();
        await WaitForPortAsync(SmtpPort, "aiosmtpd", () => "");
    }

    /// <summary>Starts (or restarts, on the same port) the SMTP sink.</summary>
    public void StartSmtp()
    {
        if (!File.Exists("/usr/bin/python3") || !Directory.Exists("/usr/lib/python3/dist-packages/aiosmtpd"))
        {
            throw new InvalidOperationException("aiosmtpd is not installed. Run ./test.sh, which installs it, or `apt-get install python3-aiosmtpd`.");
        }

        foreach (var folder in new[] { "tmp", "new", "cur" })
        {
            Directory.CreateDirectory(Path.Combine(SinkDirectory, folder));
        }

        File.WriteAllText(Path.Combine(_root, "ribalta_sink.py"), SinkHandler);
        var info = new ProcessStartInfo("/usr/bin/python3", ["-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{SmtpPort}", "-c", "ribalta_sink.RefusingMailbox", SinkDirectory]);
        info.Environment["PYTHONPATH"] = _root;
        _smtp = Started(info);
    }

    public async Task StartSmtpAsync()
    {
        StartSmtp();
        await WaitForPortAsync(SmtpPort, "aiosmtpd", () => "");
    }

    /// <summary>Takes the SMTP server away, as an outage would.</summary>
    public async Task StopSmtpAsync()
    {
        if (_smtp is { HasExited: false })
        {
            _smtp.Kill(entireProcessTree: true);
            await _smtp.WaitForExitAsync();
        }
    }

    /// <summary>Delivers a message into a user's inbox the way a mail server would (IMAP APPEND).</summary>
    public async Task DeliverAsync(string user, MimeMessage message)
    {
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", ImapPort, SecureSocketOptions.None);
        await client.AuthenticateAsync(user, Password);
        await client.Inbox.AppendAsync(message, MessageFlags.None);
        await client.DisconnectAsync(true);
    }

    public async Task DeliverAsync(string user, byte[] raw)
    {
        using var stream = new MemoryStream(raw);
        await DeliverAsync(user, await MimeMessage.LoadAsync(stream));
    }

    /// <summary>The user's messages on the server, with whether each is seen.</summary>
    public async Task<IReadOnlyList<(string? MessageId, bool Seen)>> InboxAsync(string user)
    {
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", ImapPort, SecureSocketOptions.None);
        await client.AuthenticateAsync(user, Password);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var summaries = client.Inbox.Count == 0 ? [] : await client.Inbox.FetchAsync(0, -1, MessageSummaryItems.Envelope | MessageSummaryItems.Flags);
        await client.DisconnectAsync(true);
        return summaries.Select(s => (s.Envelope!.MessageId, s.Flags!.Value.HasFlag(MessageFlags.Seen))).ToList();
    }

    /// <summary>Everything the SMTP sink received.</summary>
    public IReadOnlyList<MimeMessage> Sent()
    {
        var folders = new[] { "new", "cur" }.Select(f => Path.Combine(SinkDirectory, f)).Where(Directory.Exists);
        return folders.SelectMany(Directory.GetFiles).Select(f => MimeMessage.Load(f)).ToList();
    }

    public async Task<IReadOnlyList<MimeMessage>> WaitForSentAsync(Func<MimeMessage, bool> match, int count = 1)
    {
        for (var i = 0; i < 300; i++)
        {
            var found = Sent().Where(match).ToList();
            if (found.Count >= count)
            {
                return found;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Expected {count} matching mail at the SMTP sink; it has {Sent().Count} in all");
    }

    public async Task DisposeAsync()
    {
        foreach (var process in new[] { _dovecot, _smtp })
        {
            if (process is { HasExited: false })
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Starts a server whose output is read and dropped, so a full pipe never stalls it.</summary>
    private static Process Started(ProcessStartInfo info)
    {
        info.RedirectStandardError = true;
        info.RedirectStandardOutput = true;
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitForPortAsync(int port, string what, Func<string> log)
    {
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new InvalidOperationException($"{what} did not start listening on 127.0.0.1:{port}. {log()}");
    }

    private static async Task<string> OutputAsync(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output.Trim();
    }
}
