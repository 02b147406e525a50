using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using MimeKit;
using Ribalta.Channels.Chat;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Contracts.Events;
using Ribalta.Channels.Email;
using Ribalta.Cases.Inbox;
using Ribalta.Cases.Routing;
using Ribalta.Platform.Identity;
using Ribalta.Tests.Infrastructure;
using Ribalta.Tests.Integration.Channels;
using Ribalta.Tests.Integration.Customers;
using Ribalta.Tests.Integration.Platform;
using Xunit;

namespace Ribalta.Tests.Integration.Cases;

/// <summary>
/// Default routing: whichever door a request comes through (portal, email, chat, the API), it starts in a department
/// (the door's own, else the organisation's department for new requests) and so shows in that team's view and count.
/// Each test sets the organisation's default and puts it back, since the app is shared by the collection.
/// </summary>
public abstract class RoutingTests(RibaltaApp app, MailServers mail)
{
    private const string Shop = "https://routing.example";

    protected RibaltaApp App { get; } = app;

    /// <summary>A new department with one agent in it, signed in: the team whose view and count the test reads.</summary>
    private async Task<(Guid Id, HttpClient Member)> TeamAsync()
    {
        var id = await (await App.AsAdmin()).CreateDepartmentAsync();
        return (id, (await App.NewStaffAsync(StaffRoles.Frontline, id)).Client);
    }

    private async Task SetDefaultAsync(Guid? department)
    {
        var response = await (await App.AsAdmin()).PutAsJsonAsync("/api/v1/routing", new RoutingInput(department), Api.Json);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>The team view holds the case and its count grew by one (by as many as <paramref name="cases"/>).</summary>
    private static async Task AssertInTeamAsync(HttpClient member, long before, params long[] cases)
    {
        var team = (await member.GetFromJsonAsync<CasePage>("/api/v1/cases?view=Team&limit=200", Api.Json))!;
        Assert.All(cases, id => Assert.Contains(team.Items, c => c.Id == id));
        Assert.Equal(before + cases.Length, await TeamCountAsync(member));
    }

    private static async Task<long> TeamCountAsync(HttpClient member) => (await member.GetFromJsonAsync<InboxCounts>("/api/v1/cases/counts", Api.Json))!.Team;

    private static async Task<Guid?> DepartmentOfAsync(HttpClient staff, long caseId) =>
        (await staff.GetFromJsonAsync<CaseDetails>($"/api/v1/cases/{caseId}", Api.Json))!.DepartmentId;

    [Fact]
    public async Task A_request_opened_on_the_portal_goes_to_the_department_for_new_requests_and_shows_in_that_teams_view()
    {
        var (team, member) = await TeamAsync();
        var agent = await App.AsFrontline();
        var customer = await agent.CreateCustomerAsync(new { displayName = "Marta Ruiz", preferredLanguage = "es" });
        var browser = await App.SignInCustomerAsync(customer.Id);
        await SetDefaultAsync(team);
        try
        {
            var before = await TeamCountAsync(member);
            var caseId = await browser.OpenFromPortalAsync("Factura duplicada", "Me han cobrado dos veces la factura de marzo.");

            Assert.Equal(team, await DepartmentOfAsync(agent, caseId));
            await AssertInTeamAsync(member, before, caseId);
        }
        finally
        {
            await SetDefaultAsync(null);
        }
    }

    [Fact]
    public async Task Email_goes_to_its_mailboxs_department_and_from_a_mailbox_without_one_to_the_department_for_new_requests()
    {
        var (team, member) = await TeamAsync();
        var (billing, billingMember) = await TeamAsync();
        var admin = await App.AsAdmin();
        var general = await MailboxAsync(admin, "imap1", null);
        var billingBox = await MailboxAsync(admin, "imap2", billing);
        Assert.Equal(billing, billingBox.DepartmentId);
        await SetDefaultAsync(team);
        try
        {
            var (before, billingBefore) = (await TeamCountAsync(member), await TeamCountAsync(billingMember));
            var toGeneral = await MailAsync(admin, general, "imap1", "Ordine in ritardo", "Buongiorno, il mio ordine è in ritardo di una settimana.");
            var toBilling = await MailAsync(admin, billingBox, "imap2", "Fattura sbagliata", "Buongiorno, la fattura di ottobre riporta un importo sbagliato.");

            Assert.Equal(team, await DepartmentOfAsync(admin, toGeneral));
            Assert.Equal(billing, await DepartmentOfAsync(admin, toBilling));
            await AssertInTeamAsync(member, before, toGeneral);
            await AssertInTeamAsync(billingMember, billingBefore, toBilling);
            Assert.DoesNotContain((await member.GetFromJsonAsync<CasePage>("/api/v1/cases?view=Team&limit=200", Api.Json))!.Items, c => c.Id == toBilling);
        }
        finally
        {
            await SetDefaultAsync(null);
        }
    }

    [Fact]
    public async Task A_chat_goes_to_its_widgets_department_and_from_a_widget_without_one_to_the_department_for_new_requests()
    {
        var (team, member) = await TeamAsync();
        var (sales, salesMember) = await TeamAsync();
        var admin = await App.AsAdmin();
        var plain = await WidgetAsync(admin, null);
        var salesWidget = await WidgetAsync(admin, sales);
        await SetDefaultAsync(team);
        try
        {
            var (before, salesBefore) = (await TeamCountAsync(member), await TeamCountAsync(salesMember));
            var fromPlain = await ChatAsync(plain.Key, "Hello, my parcel has not arrived and the tracking page shows nothing.");
            var fromSales = await ChatAsync(salesWidget.Key, "Hello, I would like a quote for twenty licences for my company.");

            Assert.Equal(team, await DepartmentOfAsync(admin, fromPlain));
            Assert.Equal(sales, await DepartmentOfAsync(admin, fromSales));
            await AssertInTeamAsync(member, before, fromPlain);
            await AssertInTeamAsync(salesMember, salesBefore, fromSales);
        }
        finally
        {
            await SetDefaultAsync(null);
        }
    }

    [Fact]
    public async Task A_case_opened_through_the_api_takes_the_department_given_else_the_department_for_new_requests()
    {
        var (team, member) = await TeamAsync();
        var (returns, returnsMember) = await TeamAsync();
        var agent = await App.AsFrontline();
        var customer = await agent.CreateCustomerAsync(new { displayName = "Paolo Bassi" });
        await SetDefaultAsync(team);
        try
        {
            var (before, returnsBefore) = (await TeamCountAsync(member), await TeamCountAsync(returnsMember));
            var plain = (await agent.OpenCaseAsync(new { customerId = customer.Id, subject = "Chiamata: reso", body = "Il cliente vuole restituire un articolo." })).Id;
            var chosen = (await agent.OpenCaseAsync(new { customerId = customer.Id, subject = "Chiamata: reso urgente", body = "Reso di un articolo difettoso.", departmentId = returns })).Id;
            var fromIntegration = (await agent.IngestAsync(new { from = new { email = $"{Api.Unique("ingest")}@example.it" }, body = "Buongiorno, vorrei cambiare l'indirizzo di consegna.", channel = "Email" })).CaseId;

            Assert.Equal(team, await DepartmentOfAsync(agent, plain));
            Assert.Equal(returns, await DepartmentOfAsync(agent, chosen));
            Assert.Equal(team, await DepartmentOfAsync(agent, fromIntegration));
            await AssertInTeamAsync(member, before, plain, fromIntegration);
            await AssertInTeamAsync(returnsMember, returnsBefore, chosen);
        }
        finally
        {
            await SetDefaultAsync(null);
        }
    }

    [Fact]
    public async Task Only_an_admin_sets_the_department_for_new_requests_an_unknown_one_is_refused_and_each_change_is_audited()
    {
        var (team, _) = await TeamAsync();
        var admin = await App.AsAdmin();
        foreach (var role in new[] { StaffRoles.Frontline, StaffRoles.TeamLead, StaffRoles.Manager })
        {
            var staff = await App.AsStaff(role);
            Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync("/api/v1/routing")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await staff.PutAsJsonAsync("/api/v1/routing", new RoutingInput(team), Api.Json)).StatusCode);
        }

        Assert.Null((await admin.GetFromJsonAsync<RoutingDto>("/api/v1/routing", Api.Json))!.DefaultDepartmentId);
        try
        {
            var unknown = await admin.PutAsJsonAsync("/api/v1/routing", new RoutingInput(Guid.NewGuid()), Api.Json);
            await unknown.AssertRefusedAsync("defaultDepartmentId");
            Assert.Null((await admin.GetFromJsonAsync<RoutingDto>("/api/v1/routing", Api.Json))!.DefaultDepartmentId);

            var saved = await admin.PutAsJsonAsync("/api/v1/routing", new RoutingInput(team), Api.Json);
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
            var routing = (await admin.GetFromJsonAsync<RoutingDto>("/api/v1/routing", Api.Json))!;
            Assert.Equal(team, routing.DefaultDepartmentId);
            Assert.StartsWith("Team ", routing.DefaultDepartmentName, StringComparison.Ordinal);

            var audit = await admin.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/audit?type={RoutingUpdated.Type}&limit=5", Api.Json);
            var entries = audit.GetProperty("items").EnumerateArray().ToList();
            Assert.NotEmpty(entries);
            Assert.Contains(team.ToString(), entries[0].GetRawText(), StringComparison.Ordinal);
        }
        finally
        {
            await SetDefaultAsync(null);
        }

        // A mailbox names only a department that exists.
        var refused = await admin.PostAsJsonAsync("/api/v1/mailboxes", mail.MailboxOf("imap3") with { DepartmentId = Guid.NewGuid() }, Api.Json);
        await refused.AssertRefusedAsync("departmentId");
    }

    private Task<MailboxDto> MailboxAsync(HttpClient admin, string user, Guid? department) => admin.CreateMailboxAsync(mail.MailboxOf(user) with { DepartmentId = department });

    /// <summary>A customer's mail delivered to the mailbox's server and fetched; the case it opened.</summary>
    private async Task<long> MailAsync(HttpClient admin, MailboxDto mailbox, string user, string subject, string text)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Giulia Ferri", $"{Api.Unique("giulia")}@example.it"));
        message.To.Add(MailboxAddress.Parse(mailbox.Address));
        message.Subject = subject;
        message.MessageId = $"{Guid.NewGuid():N}@example.it";
        message.Body = new TextPart("plain") { Text = text };
        await mail.DeliverAsync(user, message);
        Assert.Equal(1, (await admin.PollAsync(mailbox.Id)).Landed);
        var found = (await admin.GetFromJsonAsync<CasePage>("/api/v1/cases?view=All&limit=200", Api.Json))!;
        return Assert.Single(found.Items, c => c.Subject == subject && c.Channel == Channel.Email).Id;
    }

    private static Task<ChatWidgetDto> WidgetAsync(HttpClient admin, Guid? department) => admin.CreateWidgetAsync(new ChatWidgetInput(Api.Unique("Site "), [Shop], true, department));

    /// <summary>A visitor on an allowed site starts a chat (long polling, the widget's fallback); the case it opened.</summary>
    private async Task<long> ChatAsync(string key, string words)
    {
        await using var visitor = App.ChatVisitor(key, Shop, "en", HttpTransportType.LongPolling);
        await visitor.StartAsync();
        return (await visitor.InvokeAsync<ChatState>("Start", new ChatStartRequest("Sam Taylor", null, words, null))).CaseId;
    }
}

[Collection(SqliteCollection.Name)]
[Trait("Suite", "Sqlite")]
public sealed class RoutingTestsOnSqlite(SqliteAppFixture fixture, MailServers mail) : RoutingTests(fixture.App, mail), IClassFixture<MailServers>;

[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class RoutingTestsOnPostgres(PostgresAppFixture fixture, MailServers mail) : RoutingTests(fixture.App, mail), IClassFixture<MailServers>;
