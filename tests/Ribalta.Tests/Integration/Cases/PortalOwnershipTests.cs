using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Conversation;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Tests.Infrastructure;
using Ribalta.Tests.Integration.Customers;
using Xunit;

namespace Ribalta.Tests.Integration.Cases;

/// <summary>
/// Two customers, each with a case, a reply with a file and an internal note with a file. Every door that serves a
/// case, its messages or a file by id answers the other customer's ids exactly as ids that do not exist: 404 in the
/// portal, 401 on the staff API; and what they would write there is not written, by the page or by the handler behind it.
/// </summary>
public abstract class PortalOwnershipTests(RibaltaApp app)
{
    protected RibaltaApp App { get; } = app;

    private sealed record Side(HttpClient Browser, Guid CustomerId, long CaseId, Guid ReplyFile, Guid NoteFile, string Secret);

    private async Task<Side> CustomerWithCaseAsync(string name)
    {
        var agent = await App.AsFrontline();
        var customer = await agent.CreateCustomerAsync(new { displayName = name });
        var browser = await App.SignInCustomerAsync(customer.Id);

        var secret = Api.Unique("secret-");
        var caseId = await browser.OpenFromPortalAsync("Mine " + secret, "Words " + secret);

        var replyFile = await UploadAsync(agent, caseId, "reply.txt");
        Assert.Equal(HttpStatusCode.Created, (await agent.PostAsJsonAsync($"/api/v1/cases/{caseId}/replies", new { body = "Reply " + secret, attachmentIds = new[] { replyFile } })).StatusCode);
        var noteFile = await UploadAsync(agent, caseId, "note.txt");
        Assert.Equal(HttpStatusCode.Created, (await agent.PostAsJsonAsync($"/api/v1/cases/{caseId}/notes", new { body = "Note " + secret, attachmentIds = new[] { noteFile } })).StatusCode);
        return new Side(browser, customer.Id, caseId, replyFile, noteFile, secret);
    }

    private static async Task<Guid> UploadAsync(HttpClient agent, long caseId, string name) => (await agent.UploadAsync(caseId, name, "private words"u8.ToArray())).Id;

    [Fact]
    public async Task Another_customers_case_and_its_conversation_are_not_found()
    {
        var ana = await CustomerWithCaseAsync("Ana Owner");
        var ben = await CustomerWithCaseAsync("Ben Other");

        // Each sees their own case and its reply...
        var own = await ana.Browser.GetAsync($"/portal/cases/{ana.CaseId}");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Contains("Reply " + ana.Secret, await own.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // ...and the other's answers like a case that does not exist, with none of its words.
        var theirs = await ana.Browser.GetAsync($"/portal/cases/{ben.CaseId}");
        Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        var html = await theirs.Content.ReadAsStringAsync();
        Assert.DoesNotContain(ben.Secret, html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await ana.Browser.GetAsync("/portal/cases/987654321")).StatusCode);
        Assert.DoesNotContain(ben.Secret, await ana.Browser.GetStringAsync("/portal/cases"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_customers_files_are_not_found_and_internal_files_not_even_for_the_owner()
    {
        var ana = await CustomerWithCaseAsync("Ana Files");
        var ben = await CustomerWithCaseAsync("Ben Files");

        Assert.Equal(HttpStatusCode.OK, (await ana.Browser.GetAsync($"/portal/attachments/{ana.ReplyFile}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ben.Browser.GetAsync($"/portal/attachments/{ben.ReplyFile}")).StatusCode);

        foreach (var url in new[] { $"/portal/attachments/{ben.ReplyFile}", $"/portal/attachments/{ben.ReplyFile}?preview=true", $"/portal/attachments/{ben.NoteFile}" })
        {
            var response = await ana.Browser.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{url}: {(int)response.StatusCode}");
        }

        // A file of an internal note is staff's, even on the customer's own case.
        Assert.Equal(HttpStatusCode.NotFound, (await ana.Browser.GetAsync($"/portal/attachments/{ana.NoteFile}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ana.Browser.GetAsync($"/portal/attachments/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task A_customer_cannot_write_to_or_solve_another_customers_case()
    {
        var ana = await CustomerWithCaseAsync("Ana Writer");
        var ben = await CustomerWithCaseAsync("Ben Target");
        var token = Forms.AntiforgeryToken(await ana.Browser.GetStringAsync($"/portal/cases/{ana.CaseId}"));

        foreach (var (handler, fields) in new[] { ("portal-reply", new Dictionary<string, string> { ["Input.Body"] = "Injected " + ana.Secret }), ("portal-solved", []) })
        {
            fields["__RequestVerificationToken"] = token;
            fields["_handler"] = handler;
            var response = await ana.Browser.PostAsync($"/portal/cases/{ben.CaseId}", new FormUrlEncodedContent(fields));

            // The page shows her nothing of Ben's case, forms included, so the framework refuses a post naming one (400,
            // no body: not antiforgery, her token is good). That refusal is the page's, not the handler's; see below.
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{handler}: {(int)response.StatusCode}");
            Assert.Equal(0, response.Content.Headers.ContentLength ?? (await response.Content.ReadAsByteArrayAsync()).Length);
        }

        // The handlers behind the forms check ownership themselves, whatever a page renders: Ben's case is not found
        // for Ana, while the same calls on her own case go through.
        var asAna = new Actor(ActorKind.Customer, ana.CustomerId.ToString(), "Ana Writer");
        Task<T> Conversation<T>(Func<ConversationHandler, Task<T>> call) => App.WithServices(s => call(s.GetRequiredService<ConversationHandler>()));
        Assert.Equal(ErrorKind.NotFound, (await Conversation(h => h.CustomerWritesAsync(asAna, ben.CaseId, new CustomerMessageRequest("Injected " + ana.Secret), default))).Error?.Kind);
        Assert.Equal(ErrorKind.NotFound, (await Conversation(h => h.CustomerSolvesAsync(asAna, ben.CaseId, default))).Error?.Kind);
        Assert.True((await Conversation(h => h.CustomerWritesAsync(asAna, ana.CaseId, new CustomerMessageRequest("Still mine " + ana.Secret), default))).IsSuccess);
        Assert.True((await Conversation(h => h.CustomerSolvesAsync(asAna, ana.CaseId, default))).IsSuccess);

        var agent = await App.AsFrontline();
        var details = (await agent.GetFromJsonAsync<CaseDetails>($"/api/v1/cases/{ben.CaseId}", Api.Json))!;
        Assert.NotEqual(CaseStatus.Solved, details.Status);
        var messages = (await agent.GetFromJsonAsync<MessagePage>($"/api/v1/cases/{ben.CaseId}/messages", Api.Json))!;
        Assert.DoesNotContain(messages.Items, m => m.Body.Contains(ana.Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_customer_session_reaches_no_case_message_or_file_through_the_api()
    {
        var ana = await CustomerWithCaseAsync("Ana Api");
        var ben = await CustomerWithCaseAsync("Ben Api");

        foreach (var side in new[] { ana, ben })
        {
            foreach (var url in new[]
            {
                $"/api/v1/cases/{side.CaseId}", $"/api/v1/cases/{side.CaseId}/messages", $"/api/v1/attachments/{side.ReplyFile}",
                $"/api/v1/attachments/{side.NoteFile}", $"/api/v1/cases/{side.CaseId}/promises", $"/api/v1/cases/{side.CaseId}/chat",
            })
            {
                var response = await ana.Browser.GetAsync(url);
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{url}: {(int)response.StatusCode}");
            }
        }
    }

    /// <summary>Sign-out ends the session on the server and also deletes the cookie, so the browser stops sending it.</summary>
    [Fact]
    public async Task Signing_out_of_the_portal_deletes_the_customer_cookie()
    {
        var agent = await App.AsFrontline();
        var customer = await agent.CreateCustomerAsync(new { displayName = "Cleared Cookie" });
        var browser = await App.SignInCustomerAsync(customer.Id);

        var page = await (await browser.GetAsync("/portal")).Content.ReadAsStringAsync();
        var signedOut = await browser.PostAsync("/portal/sign-out", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = Forms.AntiforgeryToken(page) }));

        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        var cookies = signedOut.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];
        Assert.True(
            cookies.Any(c => c.StartsWith("ribalta.customer=;", StringComparison.Ordinal) && c.Contains("expires=Thu, 01 Jan 1970 00:00:00 GMT", StringComparison.OrdinalIgnoreCase)),
            "expected the customer cookie to be deleted, got: " + string.Join(" | ", cookies));
    }
}

[Collection(SqliteCollection.Name)]
[Trait("Suite", "Sqlite")]
public sealed class PortalOwnershipTestsOnSqlite(SqliteAppFixture fixture) : PortalOwnershipTests(fixture.App);

[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class PortalOwnershipTestsOnPostgres(PostgresAppFixture fixture) : PortalOwnershipTests(fixture.App);
