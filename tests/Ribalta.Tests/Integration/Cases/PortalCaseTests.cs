using System.Net;
using System.Net.Http.Json;
using Ribalta.Cases.Contracts;
using Ribalta.Tests.Infrastructure;
using Ribalta.Tests.Integration.Customers;
using Xunit;

namespace Ribalta.Tests.Integration.Cases;

/// <summary>The customer's side, through the server-rendered portal forms (no JavaScript), and staff's answers through the API.</summary>
public abstract class PortalCaseTests(RibaltaApp app)
{
    protected RibaltaApp App { get; } = app;

    private async Task<(HttpClient Browser, Guid CustomerId)> CustomerSignedInAsync(string name, string language = "es")
    {
        var agent = await App.AsFrontline();
        var customer = await agent.CreateCustomerAsync(new { displayName = name, preferredLanguage = language });
        return (await App.SignInCustomerAsync(customer.Id), customer.Id);
    }

    [Fact]
    public async Task The_portal_home_greets_a_newcomer_and_shows_a_returning_customer_their_latest_requests()
    {
        var (browser, _) = await CustomerSignedInAsync("Iñigo Salas");
        var first = System.Net.WebUtility.HtmlDecode(await browser.GetStringAsync("/portal"));
        Assert.DoesNotContain("case-list", first, StringComparison.Ordinal);

        var caseId = await browser.OpenFromPortalAsync("Mi pedido no llega", "Hace dos semanas que espero el pedido.");
        var home = System.Net.WebUtility.HtmlDecode(await browser.GetStringAsync("/portal"));
        Assert.Contains($"href=\"/portal/cases/{caseId}\"", home, StringComparison.Ordinal);
        Assert.Contains("Mi pedido no llega", home, StringComparison.Ordinal);
        Assert.DoesNotContain("pronto encontrarás", home, StringComparison.Ordinal);

        // "Back to my requests" points back: left in Spanish, right in Arabic.
        Assert.Matches("<a class=\"back\" href=\"/portal/cases\"><span aria-hidden=\"true\">←</span>", System.Net.WebUtility.HtmlDecode(await browser.GetStringAsync($"/portal/cases/{caseId}")));
        var (arabic, _) = await CustomerSignedInAsync("سارة الحسن", "ar");
        var arabicCase = await arabic.OpenFromPortalAsync("طلبي لم يصل", "أنتظر طلبي منذ أسبوعين.");
        var rtl = System.Net.WebUtility.HtmlDecode(await arabic.GetStringAsync($"/portal/cases/{arabicCase}"));
        Assert.Contains("dir=\"rtl\"", rtl, StringComparison.Ordinal);
        Assert.Matches("<a class=\"back\" href=\"/portal/cases\"><span aria-hidden=\"true\">→</span>", rtl);
    }

    [Fact]
    public async Task A_customer_opens_a_case_reads_the_reply_but_never_the_internal_note()
    {
        var (browser, customerId) = await CustomerSignedInAsync("Begoña Núñez");
        var caseId = await browser.OpenFromPortalAsync("Factura duplicada", "Me han cobrado dos veces la factura de marzo.");

        var agent = await App.AsFrontline();
        var details = (await agent.GetFromJsonAsync<CaseDetails>($"/api/v1/cases/{caseId}", Api.Json))!;
        Assert.Equal(customerId, details.CustomerId);
        Assert.Equal(Channel.Portal, details.Channel);
        Assert.Equal("es", details.Language);
        var unassigned = (await agent.GetFromJsonAsync<CasePage>("/api/v1/cases?view=Unassigned&limit=200", Api.Json))!;
        Assert.Contains(unassigned.Items, c => c.Id == caseId);

        await agent.PostAsJsonAsync($"/api/v1/cases/{caseId}/notes", new { body = "SECRET-NOTE: refund approved by billing" });
        await agent.PostAsJsonAsync($"/api/v1/cases/{caseId}/replies", new { body = "Le devolvemos el segundo cobro hoy mismo." });

        var page = System.Net.WebUtility.HtmlDecode(await (await browser.GetAsync($"/portal/cases/{caseId}")).Content.ReadAsStringAsync());
        Assert.Contains("Le devolvemos el segundo cobro hoy mismo.", page, StringComparison.Ordinal);
        Assert.Contains("Me han cobrado dos veces", page, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET-NOTE", page, StringComparison.Ordinal);
        Assert.Contains("Esperando tu respuesta", page, StringComparison.Ordinal);

        var list = System.Net.WebUtility.HtmlDecode(await (await browser.GetAsync("/portal/cases")).Content.ReadAsStringAsync());
        Assert.Contains("Factura duplicada", list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_customer_attaches_files_when_opening_and_replying_and_bad_files_change_nothing()
    {
        var (browser, _) = await CustomerSignedInAsync("Chiara Lombardi", "it");
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
        var opened = await browser.SubmitAsync("/portal/cases/new", "portal-new-case",
            new Dictionary<string, string> { ["Input.Subject"] = "Lavatrice rotta", ["Input.Body"] = "Ecco la foto del danno." },
            [("files", "danno.png", png), ("files", "ricevuta.txt", "Scontrino n. 4411"u8.ToArray())]);
        Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
        var caseId = CaseSteps.PortalCaseNumber(opened);

        var agent = await App.AsFrontline();
        var first = Assert.Single((await agent.GetFromJsonAsync<MessagePage>($"/api/v1/cases/{caseId}/messages", Api.Json))!.Items);
        Assert.Equal(["danno.png", "ricevuta.txt"], first.Attachments.Select(a => a.FileName).Order(StringComparer.Ordinal).ToArray());
        Assert.Contains(first.Attachments, a => a.ContentType == "image/png");

        // The customer sees their files on their own case page and can download them.
        var page = await (await browser.GetAsync($"/portal/cases/{caseId}")).Content.ReadAsStringAsync();
        var image = first.Attachments.First(a => a.FileName == "danno.png");
        Assert.Contains($"/portal/attachments/{image.Id}", page, StringComparison.Ordinal);
        Assert.Equal(png, await browser.GetByteArrayAsync($"/portal/attachments/{image.Id}"));

        // A file whose bytes are not an accepted type is refused with the reason, and no message is added.
        var bad = await browser.SubmitAsync($"/portal/cases/{caseId}", "portal-reply",
            new Dictionary<string, string> { ["Input.Body"] = "Altro file" }, [("files", "virus.pdf", [0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0xFF, 0xFE, 0x00, 0x01])]);
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        Assert.Contains("non è accettato", System.Net.WebUtility.HtmlDecode(await bad.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Single((await agent.GetFromJsonAsync<MessagePage>($"/api/v1/cases/{caseId}/messages", Api.Json))!.Items);

        var reply = await browser.SubmitAsync($"/portal/cases/{caseId}", "portal-reply",
            new Dictionary<string, string> { ["Input.Body"] = "Anche la garanzia." }, [("files", "garanzia.pdf", "%PDF-1.4\n%%EOF"u8.ToArray())]);
        Assert.Equal(HttpStatusCode.Redirect, reply.StatusCode);
        var messages = (await agent.GetFromJsonAsync<MessagePage>($"/api/v1/cases/{caseId}/messages", Api.Json))!.Items;
        Assert.Equal("garanzia.pdf", Assert.Single(messages[^1].Attachments).FileName);
    }

    [Fact]
    public async Task The_customers_reply_reopens_the_case_and_solving_it_is_theirs_to_say()
    {
        var (browser, _) = await CustomerSignedInAsync("Omar Saeed", "ar");
        var caseId = await browser.OpenFromPortalAsync("طلب متأخر", "لم يصل طلبي بعد.");
        var agent = await App.AsFrontline();
        await agent.PostAsJsonAsync($"/api/v1/cases/{caseId}/replies", new { body = "سيصل غداً.", statusAfter = "Solved" });
        Assert.Equal(CaseStatus.Solved, (await agent.GetFromJsonAsync<CaseDetails>($"/api/v1/cases/{caseId}", Api.Json))!.Status);

        var reply = await browser.SubmitAsync($"/portal/cases/{caseId}", "portal-reply", new Dictionary<string, string> { ["Input.Body"] = "لم يصل حتى الآن." });
        Assert.Equal(HttpStatusCode.Redirect, reply.StatusCode);
        Assert.Equal(CaseStatus.Open, (await agent.GetFromJsonAsync<CaseDetails>($"/api/v1/cases/{caseId}", Api.Json))!.Status);

        var timeline = await (await agent.GetAsync($"/api/v1/cases?view=All&limit=1")).ReadJsonAsync();
        Assert.True(timeline.GetProperty("items").GetArrayLength() == 1);

        var empty = await browser.SubmitAsync($"/portal/cases/{caseId}", "portal-reply", new Dictionary<string, string> { ["Input.Body"] = "  " });
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.Contains("هذا الحقل مطلوب", System.Net.WebUtility.HtmlDecode(await empty.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Redirect, (await browser.SubmitAsync($"/portal/cases/{caseId}", "portal-solved")).StatusCode);
        Assert.Equal(CaseStatus.Solved, (await agent.GetFromJsonAsync<CaseDetails>($"/api/v1/cases/{caseId}", Api.Json))!.Status);
    }

    [Fact]
    public async Task Guessing_another_customers_case_number_finds_nothing()
    {
        var (owner, _) = await CustomerSignedInAsync("Owner Person");
        var caseId = await owner.OpenFromPortalAsync("Private matter", "Only I should see this.");
        var (stranger, _) = await CustomerSignedInAsync("Curious Stranger");

        var peek = await stranger.GetAsync($"/portal/cases/{caseId}");
        Assert.Equal(HttpStatusCode.NotFound, peek.StatusCode);
        Assert.DoesNotContain("Only I should see this.", await peek.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // A forged post with the stranger's own valid antiforgery token still writes nothing.
        var token = Forms.AntiforgeryToken(await (await stranger.GetAsync("/portal/cases")).Content.ReadAsStringAsync());
        var write = await stranger.PostAsync($"/portal/cases/{caseId}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["_handler"] = "portal-reply",
            ["Input.Body"] = "Injected",
        }));
        // The page shows the stranger no form for this case, so the post naming one is refused (400, no body; the token is
        // the stranger's own and valid, so this is not antiforgery). PortalOwnershipTests asserts the handler's own check.
        Assert.True(write.StatusCode == HttpStatusCode.BadRequest, $"got {(int)write.StatusCode}");
        Assert.Empty(await write.Content.ReadAsByteArrayAsync());
        var agent = await App.AsFrontline();
        var messages = (await agent.GetFromJsonAsync<MessagePage>($"/api/v1/cases/{caseId}/messages", Api.Json))!;
        Assert.DoesNotContain(messages.Items, m => m.Body == "Injected");
        Assert.DoesNotContain("Private matter", await (await stranger.GetAsync("/portal/cases")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

[Collection(SqliteCollection.Name)]
[Trait("Suite", "Sqlite")]
public sealed class PortalCaseTestsOnSqlite(SqliteAppFixture fixture) : PortalCaseTests(fixture.App);

[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class PortalCaseTestsOnPostgres(PostgresAppFixture fixture) : PortalCaseTests(fixture.App);
