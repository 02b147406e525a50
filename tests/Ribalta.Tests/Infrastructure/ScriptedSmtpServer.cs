using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MimeKit;

namespace Ribalta.Tests.Infrastructure;

/// <summary>
/// A small SMTP server on 127.0.0.1 for what the aiosmtpd sink (<see cref="MailServers"/>) does not do: it takes mail
/// only after AUTH PLAIN with its one user and password (535 to any other password, 530 to mail sent without signing
/// in), and after <see cref="HangUpAfterNextMessage"/> it accepts one message and then drops the connection, as a server
/// restarting in the middle of a session would. Like the sink, it refuses recipients starting with
/// <see cref="MailServers.DeferredPrefix"/> for now (451 at RCPT). Its loops are bounded and it listens on loopback only.
/// </summary>
public sealed class ScriptedSmtpServer : IAsyncDisposable
{
    private const int MaxConnections = 1_000;
    private const int MaxCommands = 1_000;
    private const int MaxDataLines = 100_000;

    private readonly string _user;
    private readonly string _password;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<MimeMessage> _received = new();
    private readonly ConcurrentQueue<(string User, string Password)> _signIns = new();
    private readonly ConcurrentBag<Task> _sessions = [];
    private readonly Task _accepting;
    private int _hangUp;
    private int _connections;

    public ScriptedSmtpServer(string user, string password)
    {
        _user = user;
        _password = password;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync(_stop.Token);
    }

    public int Port { get; }

    /// <summary>The messages accepted (250 after DATA), in order.</summary>
    public IReadOnlyList<MimeMessage> Received => _received.ToList();

    /// <summary>Every AUTH PLAIN attempt, right or wrong, in order.</summary>
    public IReadOnlyList<(string User, string Password)> SignIns => _signIns.ToList();

    /// <summary>How many connections were opened to the server.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>The next message is accepted, and then the server hangs up on that connection (once).</summary>
    public void HangUpAfterNextMessage() => Interlocked.Exchange(ref _hangUp, 1);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await Task.WhenAll([_accepting, .. _sessions]);
        _stop.Dispose();
    }

    private async Task AcceptAsync(CancellationToken ct)
    {
        for (var i = 0; i < MaxConnections; i++)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(ct);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _connections);
            _sessions.Add(ServeAsync(client, ct));
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken ct)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.Latin1);
            await using var writer = new StreamWriter(stream, Encoding.Latin1) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 127.0.0.1 ESMTP scripted");
            var signedIn = false;
            for (var i = 0; i < MaxCommands; i++)
            {
                var line = await reader.ReadLineAsync(ct);
                if (line is null)
                {
                    return;
                }

                var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                switch (words.FirstOrDefault()?.ToUpperInvariant())
                {
                    case "EHLO":
                        await writer.WriteAsync("250-127.0.0.1\r\n250-AUTH PLAIN\r\n250 8BITMIME\r\n");
                        break;
                    case "HELO":
                        await writer.WriteLineAsync("250 127.0.0.1");
                        break;
                    case "AUTH" when words.Length >= 2 && words[1].Equals("PLAIN", StringComparison.OrdinalIgnoreCase):
                        var response = words.Length >= 3 ? words[2] : await ContinueAsync(reader, writer, ct);
                        signedIn = SignIn(response);
                        await writer.WriteLineAsync(signedIn ? "235 2.7.0 Authentication successful" : "535 5.7.8 Authentication credentials invalid");
                        break;
                    case "AUTH":
                        await writer.WriteLineAsync("504 5.5.4 Unrecognized authentication type");
                        break;
                    case "MAIL":
                        await writer.WriteLineAsync(signedIn ? "250 2.1.0 OK" : "530 5.7.0 Authentication required");
                        break;
                    case "RCPT":
                        var local = line.Split('<', '>').ElementAtOrDefault(1)?.Split('@')[0] ?? "";
                        await writer.WriteLineAsync(local.StartsWith(MailServers.DeferredPrefix, StringComparison.OrdinalIgnoreCase)
                            ? "451 4.3.0 Mailbox busy, try again later"
                            : "250 2.1.5 OK");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                        _received.Enqueue(await ReadMessageAsync(reader, ct));
                        await writer.WriteLineAsync("250 2.0.0 OK queued");
                        if (Interlocked.Exchange(ref _hangUp, 0) == 1)
                        {
                            return;
                        }

                        break;
                    case "RSET" or "NOOP":
                        await writer.WriteLineAsync("250 2.0.0 OK");
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 2.0.0 Bye");
                        return;
                    default:
                        await writer.WriteLineAsync("502 5.5.2 Command not recognized");
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away, or the server is being disposed.
        }
    }

    private static async Task<string> ContinueAsync(StreamReader reader, StreamWriter writer, CancellationToken ct)
    {
        await writer.WriteLineAsync("334 ");
        return await reader.ReadLineAsync(ct) ?? "";
    }

    /// <summary>AUTH PLAIN's answer is base64 of "authzid NUL user NUL password".</summary>
    private bool SignIn(string response)
    {
        string[] parts;
        try
        {
            parts = Encoding.UTF8.GetString(Convert.FromBase64String(response)).Split('\0');
        }
        catch (FormatException)
        {
            return false;
        }

        if (parts.Length != 3)
        {
            return false;
        }

        _signIns.Enqueue((parts[1], parts[2]));
        return parts[1] == _user && parts[2] == _password;
    }

    private static async Task<MimeMessage> ReadMessageAsync(StreamReader reader, CancellationToken ct)
    {
        var text = new StringBuilder();
        for (var i = 0; i < MaxDataLines; i++)
        {
            var line = await reader.ReadLineAsync(ct) ?? throw new IOException("The client hung up in the middle of DATA");
            if (line == ".")
            {
                break;
            }

            // Dot-stuffing: a line starting with a dot was sent with one more.
            text.Append(line.StartsWith('.') ? line[1..] : line).Append("\r\n");
        }

        using var stream = new MemoryStream(Encoding.Latin1.GetBytes(text.ToString()));
        return await MimeMessage.LoadAsync(stream, ct);
    }
}
