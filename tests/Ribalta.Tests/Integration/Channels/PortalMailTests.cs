using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Ribalta.Cases;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Domain;
using Ribalta.Channels.Email;
using Ribalta.Platform.Data;
using Ribalta.Tests.Infrastructure;
using Ribalta.Tests.Integration.Cases;
using Xunit;

namespace Ribalta.Tests.Integration.Channels;

/// <summary>
/// Mail that belongs to no email conversation yet, against real mail servers: a customer asks the portal for a sign-in
/// link, staff send one, and a reply on a phone case reaches the customer by email, with the portal's address, and
/// their answer by mail lands on the case. Links point at the configured public address, never at a request's Host.
/// </summary>
public abstract partial class PortalMailTests(RibaltaApp app, MailServers mail)
{
    private async Task<MailboxDto> DefaultMailboxAsync()
    {
        var mailbox = await (await app.AsAdmin()).CreateMailboxAsync(mail.MailboxOf("imap2", sending: true) with { PollSeconds = 3600, IsDefault = true });
        Assert.True(mailbox.IsDefault);
        return mailbox;
    }

    private static string LinkIn(MimeMessage message) => LinkPattern().Match(message.TextBody ?? "").Value;

    [Fact]
    public async Task A_customer_asks_the_portal_for_a_link_gets_it_by_mail_in_their_language_and_signs_in()
    {
        await DefaultMailboxAsync();
        var agent = await app.AsFrontline();
        var address = $"{Api.Unique("giulia")}@example.it";
        await agent.CreateCustomerAsync(new { displayName = "Giulia Ferri", preferredLanguage = "it", emails = new[] { address } });

        // Whatever Host the request claims, the link in the mail points at the configured public address.
        var browser = app.Anonymous();
        browser.DefaultRequestHeaders.Host = "evil.example";
        var asked = await browser.SubmitAsync("/portal/sign-in", "portal-request-link", new Dictionary<string, string> { ["Email"] = address.ToUpperInvariant() });
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        Assert.Contains("is on its way", WebUtility.HtmlDecode(await asked.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        var sent = Assert.Single(await mail.WaitForSentAsync(m => m.To.Mailboxes.Any(t => t.Address == address)));
        Assert.Equal("Il tuo link per accedere", sent.Subject);
        Assert.Contains("Buongiorno Giulia Ferri", sent.TextBody, StringComparison.Ordinal);
        var link = LinkIn(sent);
        Assert.StartsWith("https://desk.ribalta.test/portal/sign-in/", link, StringComparison.Ordinal);
        Assert.Equal("auto-generated", sent.Headers[HeaderId.AutoSubmitted]);

        var customer = app.Anonymous();
        var signedIn = await customer.SubmitAsync(new Uri(link).AbsolutePath, "portal-sign-in");
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await customer.GetAsync("/portal")).StatusCode);

        // Once sent, the link's secret is no longer in the outbox.
        var outbound = await app.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Set<OutboundEmail>().AsNoTracking()
            .SingleAsync(o => o.ToAddress == address && o.Kind == OutboundKind.SignInLink));
        Assert.Equal(OutboundStatus.Sent, outbound.Status);
        Assert.Equal("", outbound.TextBody);
    }

    [Fact]
    public async Task An_unknown_address_gets_the_same_answer_and_no_mail_and_asking_too_often_is_refused()
    {
        await DefaultMailboxAsync();
        var stranger = $"{Api.Unique("nobody")}@example.com";
        var browser = app.Anonymous();
        var asked = await browser.SubmitAsync("/portal/sign-in", "portal-request-link", new Dictionary<string, string> { ["Email"] = stranger });
        Assert.Contains("is on its way", WebUtility.HtmlDecode(await asked.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        var invalid = await browser.SubmitAsync("/portal/sign-in", "portal-request-link", new Dictionary<string, string> { ["Email"] = "not-an-address" });
        Assert.Contains("Enter a valid email address", WebUtility.HtmlDecode(await invalid.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        for (var i = 0; i < 2; i++)
        {
            await browser.SubmitAsync("/portal/sign-in", "portal-request-link", new Dictionary<string, string> { ["Email"] = stranger });
        }

        var fourth = await browser.SubmitAsync("/portal/sign-in", "portal-request-link", new Dictionary<string, string> { ["Email"] = stranger });
        Assert.Contains("Too many links asked for", WebUtility.HtmlDecode(await fourth.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.False(await app.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Set<OutboundEmail>().AnyAsync(o => o.ToAddress == stranger)));
    }

    [Fact]
    public async Task Staff_mail_a_link_and_a_reply_on_a_phone_case_reaches_the_customer_who_answers_by_mail()
    {
        var mailbox = await DefaultMailboxAsync();
        var agent = await app.AsFrontline();
        var address = $"{Api.Unique("ana")}@example.es";
        var customer = await agent.CreateCustomerAsync(new { displayName = "Ana Ortega", preferredLanguage = "es", emails = new[] { address } });
        var emailed = await agent.PostAsync($"/api/v1/customers/{customer.Id}/portal-links/email", null);
        Assert.Equal(HttpStatusCode.Accepted, emailed.StatusCode);
        Assert.Equal(address, (await emailed.ReadJsonAsync()).GetProperty("emailedTo").GetString());
        Assert.Equal("Tu enlace para entrar", Assert.Single(await mail.WaitForSentAsync(m => m.To.Mailboxes.Any(t => t.Address == address))).Subject);

        var noEmail = await agent.CreateCustomerAsync(new { displayName = "Sin Correo" });
        await (await agent.PostAsync($"/api/v1/customers/{noEmail.Id}/portal-links/email", null)).AssertRefusedAsync("email");

        // She called; the agent writes the answer on the case; it reaches her by mail with the portal's address.
        var caseId = (await agent.OpenCaseAsync(new { customerId = customer.Id, subject = "Factura duplicada", body = "Llamó: le han cobrado dos veces la factura de octubre.", channel = "Phone" })).Id;
        await agent.PostAsJsonAsync($"/api/v1/cases/{caseId}/replies", new { body = "Hemos devuelto el segundo cobro; lo verá en 3 días." }, Api.Json);
        var reply = Assert.Single(await mail.WaitForSentAsync(m => m.To.Mailboxes.Any(t => t.Address == address) && (m.Subject ?? "").Contains($"[#{caseId}]", StringComparison.Ordinal)));
        Assert.Contains("Hemos devuelto el segundo cobro", reply.TextBody, StringComparison.Ordinal);
        Assert.Contains($"https://desk.ribalta.test/portal/cases/{caseId}", reply.TextBody, StringComparison.Ordinal);
        Assert.Contains("portal de soporte", reply.TextBody, StringComparison.Ordinal);

        var answer = new MimeMessage();
        answer.From.Add(new MailboxAddress("Ana Ortega", address));
        answer.To.Add(MailboxAddress.Parse(mailbox.Address));
        answer.Subject = "Re: " + reply.Subject;
        answer.MessageId = $"{Guid.NewGuid():N}@example.es";
        answer.InReplyTo = reply.MessageId!;
        answer.Body = new TextPart("plain") { Text = "¡Gracias! Ya lo veo en mi cuenta." };
        await mail.DeliverAsync("imap2", answer);
        var admin = await app.AsAdmin();
        await admin.PollAsync(mailbox.Id);
        var landed = await app.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Set<Message>().AsNoTracking()
            .Where(m => m.CaseId == caseId && m.Kind == MessageKind.Customer && m.Channel == Channel.Email).Select(m => m.Body).ToListAsync());
        Assert.Contains(landed, b => b.Contains("Ya lo veo en mi cuenta", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_mailed_link_works_for_its_30_minutes_and_is_refused_after()
    {
        await DefaultMailboxAsync();
        var agent = await app.AsFrontline();
        var address = $"{Api.Unique("marta")}@example.it";
        await agent.CreateCustomerAsync(new { displayName = "Marta Rossi", preferredLanguage = "it", emails = new[] { address } });
        var browser = app.Anonymous();
        for (var i = 0; i < 2; i++)
        {
            await browser.SubmitAsync("/portal/sign-in", "portal-request-link", new Dictionary<string, string> { ["Email"] = address });
        }

        var links = (await mail.WaitForSentAsync(m => m.To.Mailboxes.Any(t => t.Address == address), count: 2)).Select(LinkIn).ToList();
        Assert.Equal(2, links.Distinct().Count());

        app.Clock.Advance(TimeSpan.FromMinutes(29));
        var inTime = app.Anonymous();
        Assert.Equal(HttpStatusCode.Redirect, (await inTime.SubmitAsync(new Uri(links[0]).AbsolutePath, "portal-sign-in")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await inTime.GetAsync("/portal")).StatusCode);

        app.Clock.Advance(TimeSpan.FromMinutes(2));
        var late = app.Anonymous();
        var refused = await late.SubmitAsync(new Uri(links[1]).AbsolutePath, "portal-sign-in");
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await late.GetAsync("/portal")).StatusCode);
    }

    [Fact]
    public async Task A_link_that_cannot_be_mailed_within_its_30_minutes_is_given_up_and_its_secret_wiped()
    {
        await DefaultMailboxAsync();
        var agent = await app.AsFrontline();
        var address = $"{MailServers.DeferredPrefix}{Api.Unique("busy")}@example.it";
        await agent.CreateCustomerAsync(new { displayName = "Busy Inbox", emails = new[] { address } });
        await app.Anonymous().SubmitAsync("/portal/sign-in", "portal-request-link", new Dictionary<string, string> { ["Email"] = address });
        var dispatcher = app.Services.GetRequiredService<EmailDispatcher>();
        Task<OutboundEmail> Outbound() => app.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Set<OutboundEmail>().AsNoTracking().SingleAsync(o => o.ToAddress == address));

        // Refused for now at 0, 1, 3, 8 and 18 minutes; the try at 38 minutes is past the link's life: given up, not sent.
        var created = DateTimeOffset.MinValue;
        for (var attempt = 1; ; attempt++)
        {
            var outbound = await Outbound();
            for (var i = 0; i < 200 && outbound.Attempts < attempt; i++)
            {
                await Task.Delay(50);
                outbound = await Outbound();
            }

            Assert.Equal(attempt, outbound.Attempts);
            created = outbound.CreatedAt;
            if (outbound.Status != OutboundStatus.Pending)
            {
                break;
            }

            app.Clock.Advance(outbound.NextAttemptAt - app.Clock.GetUtcNow());
            await dispatcher.SendDueAsync(default);
        }

        var given = await Outbound();
        Assert.Equal(OutboundStatus.Failed, given.Status);
        Assert.Equal(6, given.Attempts);
        Assert.True(app.Clock.GetUtcNow() - created >= TimeSpan.FromMinutes(30));
        Assert.Equal("", given.TextBody);
        Assert.DoesNotContain(mail.Sent(), m => m.To.Mailboxes.Any(t => t.Address == address));
    }

    [GeneratedRegex(@"https?://\S+/portal/sign-in/[A-Za-z0-9_-]+")]
    private static partial Regex LinkPattern();
}

[Collection(SqliteCollection.Name)]
[Trait("Suite", "Sqlite")]
public sealed class PortalMailTestsOnSqlite(SqliteAppFixture fixture, MailServers mail) : PortalMailTests(fixture.App, mail), IClassFixture<MailServers>;

[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class PortalMailTestsOnPostgres(PostgresAppFixture fixture, MailServers mail) : PortalMailTests(fixture.App, mail), IClassFixture<MailServers>;
