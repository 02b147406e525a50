using MailKit;
using MailKit.Security;
using Ribalta.Platform.Net;

namespace Ribalta.Channels.Email;

/// <summary>How Ribalta reaches a mail server (IMAP, POP3, SMTP): through the outbound guard.</summary>
internal static class MailConnection
{
    /// <summary>
    /// Connects a MailKit client over a socket the guard opened to a checked address; MailKit is still given the host
    /// name, so TLS asks for and validates the name's certificate. A refused host fails with the reason as its message.
    /// </summary>
    public static async Task ConnectGuardedAsync(this IMailService client, OutboundAddressGuard guard, string host, int port, SecureSocketOptions security, CancellationToken ct)
    {
        System.Net.Sockets.Socket socket;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            timeout.CancelAfter(client.Timeout);
            try
            {
                socket = await guard.ConnectAsync(host, port, alsoAllowed: null, timeout.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new TimeoutException($"Cannot connect to {host}:{port}: no answer within {client.Timeout / 1000} s.");
            }
        }

        try
        {
            await client.ConnectAsync(socket, host, port, security, ct);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
