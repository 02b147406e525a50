using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Ribalta.Channels.Email;
using Ribalta.Platform.Data;
using Ribalta.Tests.Infrastructure;
using Xunit;

namespace Ribalta.Tests.Integration.Channels;

/// <summary>
/// Mailbox servers go through the outbound guard: a host for this machine or a special-purpose address is refused when
/// the mailbox is saved, and a name that resolves to one is refused when Ribalta connects, before any connection is made.
/// (The test host allows 127.0.0.1 as written, for its mail servers; these hosts are not on the allow-list.)
/// </summary>
public abstract class MailboxAddressTests(RibaltaApp app)
{
    private static MailboxInput Valid(string address) => new("Sales", address, "Acme Sales", true, MailProtocol.Imap, "imap.example.com", null, MailSecurity.Tls, "sales",
        "s3cret-imap", null, null, 60, "smtp.example.com", null, MailSecurity.StartTls, "sales", "s3cret-smtp");

    [Fact]
    public async Task A_mail_server_on_this_machine_or_a_special_purpose_address_is_refused_when_saved()
    {
        var admin = await app.AsAdmin();
        var address = $"{Api.Unique("guard")}@acme.test";
        foreach (var host in new[] { "localhost", "localhost.", "LocalHost", "imap.localhost", "127.0.0.2", "::1", "::ffff:127.0.0.1", "10.0.0.5", "169.254.169.254", "192.0.2.10", "203.0.113.9", Dns.GetHostName() })
        {
            var inbound = await (await admin.PostAsJsonAsync("/api/v1/mailboxes", Valid(address) with { InboundHost = host }, Api.Json)).AssertRefusedAsync("inboundHost");
            Assert.Contains(host, inbound[0].GetString(), StringComparison.Ordinal);
            await (await admin.PostAsJsonAsync("/api/v1/mailboxes", Valid(address) with { SmtpHost = host }, Api.Json)).AssertRefusedAsync("smtpHost");
        }

        Assert.DoesNotContain((await admin.GetFromJsonAsync<List<MailboxDto>>("/api/v1/mailboxes", Api.Json))!, m => m.Address == address);
    }

    /// <summary>A server on loopback that counts every connection and hangs up.</summary>
    private sealed class CountingServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private int _connections;

        public CountingServer()
        {
            _listener.Start();
            _ = Task.Run(async () =>
            {
                while (true)
                {
                    using var client = await _listener.AcceptTcpClientAsync();
                    Interlocked.Increment(ref _connections);
                }
            });
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public int Connections => Volatile.Read(ref _connections);

        public void Dispose() => _listener.Dispose();
    }

    [Theory]
    [InlineData(MailProtocol.Imap)]
    [InlineData(MailProtocol.Pop3)]
    public async Task A_mail_server_name_that_resolves_to_this_machine_is_refused_before_connecting(MailProtocol protocol)
    {
        using var server = new CountingServer();
        var host = $"{Api.Unique("mail")}.example.test";
        app.Names.Map(host, "127.0.0.1");
        var admin = await app.AsAdmin();
        var created = await admin.PostAsJsonAsync("/api/v1/mailboxes", Valid($"{Api.Unique("guard")}@acme.test") with
        {
            InboundProtocol = protocol, InboundHost = host, InboundPort = server.Port, Enabled = false,
        }, Api.Json);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var mailbox = (await created.Content.ReadFromJsonAsync<MailboxDto>(Api.Json))!;

        var poll = await admin.PostAsync($"/api/v1/mailboxes/{mailbox.Id}/poll", null);

        Assert.Equal(HttpStatusCode.OK, poll.StatusCode);
        Assert.StartsWith($"Refused: {host} resolves to 127.0.0.1", (await poll.Content.ReadFromJsonAsync<PollResult>(Api.Json))!.Error, StringComparison.Ordinal);
        Assert.Equal(0, server.Connections);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/mailboxes/{mailbox.Id}")).StatusCode);
    }

    [Fact]
    public async Task An_smtp_server_name_that_resolves_to_this_machine_is_refused_before_connecting()
    {
        using var server = new CountingServer();
        var host = $"{Api.Unique("smtp")}.example.test";
        app.Names.Map(host, "127.0.0.1");
        var admin = await app.AsAdmin();
        var input = Valid($"{Api.Unique("guard")}@acme.test") with
        {
            InboundHost = host, InboundPort = server.Port, SmtpHost = host, SmtpPort = server.Port, PollSeconds = 3600, IsDefault = true,
        };
        var created = await admin.PostAsJsonAsync("/api/v1/mailboxes", input, Api.Json);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var mailbox = (await created.Content.ReadFromJsonAsync<MailboxDto>(Api.Json))!;
        try
        {
            // The portal mails a sign-in link from the default mailbox.
            var address = $"{Api.Unique("giulia")}@example.it";
            await (await app.AsFrontline()).CreateCustomerAsync(new { displayName = "Giulia Ferri", emails = new[] { address } });
            await app.Anonymous().SubmitAsync("/portal/sign-in", "portal-request-link", new Dictionary<string, string> { ["Email"] = address });

            var attempted = await WaitForAttemptAsync(address);
            Assert.StartsWith($"Refused: {host} resolves to 127.0.0.1", attempted.LastError, StringComparison.Ordinal);
            Assert.Equal(0, server.Connections);
        }
        finally
        {
            // Off, so no other test's mail goes through it.
            await admin.PutAsJsonAsync($"/api/v1/mailboxes/{mailbox.Id}", input with { Enabled = false, IsDefault = false, InboundPassword = null, SmtpPassword = null }, Api.Json);
        }
    }

    private async Task<OutboundEmail> WaitForAttemptAsync(string address)
    {
        for (var i = 0; i < 300; i++)
        {
            var outbound = await app.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Set<OutboundEmail>().AsNoTracking()
                .FirstOrDefaultAsync(o => o.ToAddress == address && o.Attempts > 0));
            if (outbound is not null)
            {
                return outbound;
            }

            // The outbox looks every five seconds of the (fake) clock.
            app.Clock.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(100);
        }

        throw new TimeoutException("The outbox did not try the mail");
    }
}

[Collection(SqliteCollection.Name)]
[Trait("Suite", "Sqlite")]
public sealed class MailboxAddressTestsOnSqlite(SqliteAppFixture fixture) : MailboxAddressTests(fixture.App);

[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class MailboxAddressTestsOnPostgres(PostgresAppFixture fixture) : MailboxAddressTests(fixture.App);
