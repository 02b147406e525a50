using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Ribalta.Channels.Chat;
using Ribalta.Channels.Email;
using Ribalta.Channels.Ingest;
using Ribalta.Tests.Infrastructure;

namespace Ribalta.Tests.Integration.Channels;

/// <summary>
/// The doors as a test sets them up: mailboxes (on the test mail servers or on none), chat widgets and the visitors the
/// widget connects, and messages sent in through the API.
/// </summary>
public static class ChannelSteps
{
    public static async Task<MailboxDto> CreateMailboxAsync(this HttpClient admin, MailboxInput input) =>
        await (await admin.PostAsJsonAsync("/api/v1/mailboxes", input, Api.Json)).ReadExpectedAsync<MailboxDto>(HttpStatusCode.Created, "Create mailbox");

    /// <summary>
    /// A mailbox at a unique address reading <paramref name="user"/>'s inbox on the test Dovecot over IMAP (mail marked
    /// seen, checked every minute) and, when <paramref name="sending"/>, sending through the test SMTP sink. A test
    /// changes what it needs with <c>with { … }</c>.
    /// </summary>
    public static MailboxInput MailboxOf(this MailServers mail, string user, bool sending = false) => new(
        "Support " + user, $"{Api.Unique("support")}@acme.test", "Acme Support", true, MailProtocol.Imap, "127.0.0.1", mail.ImapPort, MailSecurity.None, user, MailServers.Password,
        null, AfterImport.MarkSeen, 60, sending ? "127.0.0.1" : null, sending ? mail.SmtpPort : null, MailSecurity.None);

    /// <summary>
    /// A mailbox that can send, to a closed port, and reads nothing: what is staged for it stays in the outbox, for tests
    /// that read the outbox rather than a mail server.
    /// </summary>
    public static Task<MailboxDto> CreateOutboxOnlyMailboxAsync(this HttpClient admin, string name) => admin.CreateMailboxAsync(new MailboxInput(
        name, $"{Api.Unique("desk")}@acme.test", "Acme", true, MailProtocol.Imap, "127.0.0.1", 1, MailSecurity.None, "nobody", "secret",
        PollSeconds: 3600, SmtpHost: "127.0.0.1", SmtpPort: 1, SmtpSecurity: MailSecurity.None));

    /// <summary>Checks the mailbox now, as an administrator's "poll" does; what it found. Throws when the poll reports an error.</summary>
    public static async Task<PollResult> PollAsync(this HttpClient admin, Guid mailboxId)
    {
        var result = await (await admin.PostAsync($"/api/v1/mailboxes/{mailboxId}/poll", null)).ReadExpectedAsync<PollResult>(HttpStatusCode.OK, "Poll mailbox");
        return result.Error is null ? result : throw new InvalidOperationException($"Poll mailbox failed: {result.Error}");
    }

    public static async Task<ChatWidgetDto> CreateWidgetAsync(this HttpClient admin, ChatWidgetInput input) =>
        await (await admin.PostAsJsonAsync("/api/v1/chat/widgets", input, Api.Json)).ReadExpectedAsync<ChatWidgetDto>(HttpStatusCode.Created, "Create chat widget");

    /// <summary>
    /// A visitor's connection to the chat hub of <paramref name="host"/>, not started yet: from a page on
    /// <paramref name="origin"/> (null: no Origin header at all), in <paramref name="lang"/>, over <paramref name="transport"/>.
    /// The caller disposes of it.
    /// </summary>
    public static HubConnection ChatVisitor(
        this WebApplicationFactory<Program> host, string widgetKey, string? origin, string lang = "en", HttpTransportType transport = HttpTransportType.WebSockets, bool skipNegotiation = false)
    {
        var server = host.Server;
        return new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, $"/chat/hub?widget={widgetKey}&lang={lang}"), options =>
            {
                options.Transports = transport;
                options.SkipNegotiation = skipNegotiation;
                options.HttpMessageHandlerFactory = _ => server.CreateHandler();
                if (origin is not null)
                {
                    options.Headers["Origin"] = origin;
                }

                options.WebSocketFactory = async (context, ct) =>
                {
                    var client = server.CreateWebSocketClient();
                    client.ConfigureRequest = request =>
                    {
                        if (origin is not null)
                        {
                            request.Headers.Origin = origin;
                        }
                    };
                    return await client.ConnectAsync(context.Uri, ct);
                };
            })
            .Build();
    }

    /// <summary><c>POST /api/v1/messages</c> with <paramref name="message"/> (<c>from</c>, <c>body</c>, …); where it landed.</summary>
    public static async Task<IngestResult> IngestAsync(this HttpClient client, object message) =>
        await (await client.PostAsJsonAsync("/api/v1/messages", message, Api.Json)).ReadExpectedAsync<IngestResult>(HttpStatusCode.Created, "Ingest message");
}
