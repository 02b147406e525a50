using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Ribalta.Cases.Email;
using Ribalta.Tests.Infrastructure;
using Xunit;

namespace Ribalta.Tests.Integration;

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

    [Theory]
    [InlineData(MailProtocol.Imap)]
    [InlineData(MailProtocol.Pop3)]
    public async Task A_mail_server_name_that_resolves_to_this_machine_is_refused_before_connecting(MailProtocol protocol)
    {
        // A server on loopback that notes every connection and hangs up.
        using var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        var connections = 0;
        _ = Task.Run(async () =>
        {
            while (true)
            {
                using var client = await server.AcceptTcpClientAsync();
                Interlocked.Increment(ref connections);
            }
        });
        var host = $"{Api.Unique("mail")}.example.test";
        app.Names.Map(host, "127.0.0.1");
        var admin = await app.AsAdmin();
        var created = await admin.PostAsJsonAsync("/api/v1/mailboxes", Valid($"{Api.Unique("guard")}@acme.test") with
        {
            InboundProtocol = protocol, InboundHost = host, InboundPort = ((IPEndPoint)server.LocalEndpoint).Port, Enabled = false,
        }, Api.Json);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var mailbox = (await created.Content.ReadFromJsonAsync<MailboxDto>(Api.Json))!;

        var poll = await admin.PostAsync($"/api/v1/mailboxes/{mailbox.Id}/poll", null);

        Assert.Equal(HttpStatusCode.OK, poll.StatusCode);
        Assert.StartsWith($"Refused: {host} resolves to 127.0.0.1", (await poll.Content.ReadFromJsonAsync<PollResult>(Api.Json))!.Error, StringComparison.Ordinal);
        Assert.Equal(0, Volatile.Read(ref connections));
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/mailboxes/{mailbox.Id}")).StatusCode);
    }
}

[Collection(SqliteCollection.Name)]
[Trait("Suite", "Sqlite")]
public sealed class MailboxAddressTestsOnSqlite(SqliteAppFixture fixture) : MailboxAddressTests(fixture.App);

[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class MailboxAddressTestsOnPostgres(PostgresAppFixture fixture) : MailboxAddressTests(fixture.App);
