using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Ribalta.Platform.Data;
using Ribalta.Platform.Identity;
using Ribalta.Tests.Infrastructure;
using Ribalta.Tests.Integration.Cases;
using Ribalta.Tests.Integration.Customers;
using Xunit;

namespace Ribalta.Tests.Integration.Platform;

/// <summary>
/// Signing out ends the session on the server: a copy of the cookie taken before (a stolen cookie, a saved browser
/// profile) stops working, for staff through the API and the workspace's sign-out, and for customers in the portal.
/// </summary>
public abstract class SessionTests(RibaltaApp app)
{
    protected RibaltaApp App { get; } = app;

    /// <summary>A session id is live only for the kind and the person it was issued for, from the database and from the cache alike.</summary>
    [Fact]
    public async Task A_session_is_live_only_for_its_own_kind_and_person()
    {
        var person = Guid.NewGuid();
        var id = await Sessions(s => s.StartAsync(SignInSessions.Staff, person, default));

        // From the database (a refusal caches nothing)...
        Assert.False(await Sessions(s => s.IsLiveAsync(id, SignInSessions.Customer, person, default)));
        Assert.False(await Sessions(s => s.IsLiveAsync(id, SignInSessions.Staff, Guid.NewGuid(), default)));
        Assert.False(await Sessions(s => s.IsLiveAsync(Guid.NewGuid(), SignInSessions.Staff, person, default)));

        // ...and from the cache, once the live answer is in it.
        Assert.True(await Sessions(s => s.IsLiveAsync(id, SignInSessions.Staff, person, default)));
        Assert.False(await Sessions(s => s.IsLiveAsync(id, SignInSessions.Customer, person, default)));
        Assert.False(await Sessions(s => s.IsLiveAsync(id, SignInSessions.Staff, Guid.NewGuid(), default)));
    }

    /// <summary>
    /// A node remembers a live answer for <see cref="SignInSessions.CheckCache"/> rather than asking the database on every
    /// request, and forgets it as soon as it ends the session itself. The row is ended behind its back here, as another
    /// node of a cluster would end it.
    /// </summary>
    [Fact]
    public async Task A_live_answer_is_remembered_until_this_node_ends_the_session()
    {
        var person = Guid.NewGuid();
        var id = await Sessions(s => s.StartAsync(SignInSessions.Staff, person, default));
        Assert.True(await Sessions(s => s.IsLiveAsync(id, SignInSessions.Staff, person, default)));

        Assert.Equal(1, await EndBehindItsBackAsync(id));
        Assert.True(await Sessions(s => s.IsLiveAsync(id, SignInSessions.Staff, person, default)));

        await EndAsync(id);
        Assert.False(await Sessions(s => s.IsLiveAsync(id, SignInSessions.Staff, person, default)));
    }

    /// <summary>A second sign-out (two tabs, a retried request) leaves the time the session ended as it was: it is forgotten a day after that.</summary>
    [Fact]
    public async Task Ending_an_ended_session_again_keeps_the_time_it_ended()
    {
        var id = await Sessions(s => s.StartAsync(SignInSessions.Customer, Guid.NewGuid(), default));
        await EndAsync(id);
        var ended = await EndedAtAsync(id);
        Assert.NotNull(ended);

        App.Clock.Advance(TimeSpan.FromMinutes(5));
        await EndAsync(id);
        Assert.Equal(ended, await EndedAtAsync(id));
    }

    /// <summary>A cookie renewed by sliding expiry renews its own session's record (kept as long as the cookie may live), no other.</summary>
    [Fact]
    public async Task A_renewed_cookie_renews_its_own_session_record()
    {
        var (client, _) = await StaffSignedInAsync();
        var (bystander, _) = await StaffSignedInAsync();
        var person = (await (await client.GetAsync("/api/v1/me")).ReadJsonAsync()).GetProperty("id").GetGuid();
        var other = (await (await bystander.GetAsync("/api/v1/me")).ReadJsonAsync()).GetProperty("id").GetGuid();
        var othersRenewal = await RenewedAtAsync(other);

        App.Clock.Advance(IdentityModule.StaffSessionLifetime / 2 + TimeSpan.FromMinutes(1));
        var renewedAt = App.Clock.GetUtcNow();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/me")).StatusCode);

        // Stored to the provider's precision (100 µs on SQLite).
        Assert.True((await RenewedAtAsync(person) - renewedAt).Duration() < TimeSpan.FromMilliseconds(1), "the session record was not renewed");
        Assert.Equal(othersRenewal, await RenewedAtAsync(other));
    }

    [Fact]
    public async Task Signing_out_through_the_api_ends_a_copy_of_the_cookie()
    {
        var (client, copy) = await StaffSignedInAsync();
        Assert.Equal(HttpStatusCode.OK, (await copy.GetAsync("/api/v1/me")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/v1/session")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await copy.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await copy.PostAsJsonAsync("/api/v1/saved-filters", new { name = "after sign-out" })).StatusCode);
        AssertSentToSignIn(await copy.GetAsync("/cases"), "/login");
    }

    /// <summary>Signing in again in a browser that is signed in keeps its session, so a later sign-out still ends a copy of the first cookie.</summary>
    [Fact]
    public async Task Signing_in_again_keeps_the_session_so_sign_out_still_ends_the_first_cookie()
    {
        var (client, copy) = await StaffSignedInAsync();
        var email = (await (await client.GetAsync("/api/v1/me")).ReadJsonAsync()).GetProperty("email").GetString();
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync("/api/v1/session", new { email, password = RibaltaApp.Password })).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/v1/session")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await copy.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task Signing_out_from_the_workspace_ends_a_copy_of_the_cookie()
    {
        var (client, copy) = await StaffSignedInAsync();
        Assert.Equal(HttpStatusCode.OK, (await copy.GetAsync("/cases")).StatusCode);

        var loggedOut = await PostFormAsync(client, "/account", "/logout");
        Assert.Equal(HttpStatusCode.Redirect, loggedOut.StatusCode);
        Assert.Equal("/login", loggedOut.Headers.Location?.OriginalString);

        AssertSentToSignIn(await copy.GetAsync("/cases"), "/login");
        Assert.Equal(HttpStatusCode.Unauthorized, (await copy.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task Signing_out_everywhere_ends_every_other_session_of_that_person_only()
    {
        var email = Api.Unique("everywhere") + "@staff.test";
        await App.CreateStaffAsync(email, "Everywhere", ["Frontline"]);
        var laptop = await App.SignInAsync(email, RibaltaApp.Password);
        var phone = await App.SignInAsync(email, RibaltaApp.Password);
        var colleague = await App.AsFrontline();
        Assert.Equal(HttpStatusCode.OK, (await phone.GetAsync("/api/v1/me")).StatusCode); // now remembered as live

        Assert.Equal(HttpStatusCode.NoContent, (await laptop.DeleteAsync("/api/v1/session/all")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await phone.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await laptop.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await colleague.GetAsync("/api/v1/me")).StatusCode);
        await App.SignInAsync(email, RibaltaApp.Password);
    }

    [Fact]
    public async Task The_account_page_signs_out_everywhere()
    {
        var email = Api.Unique("button") + "@staff.test";
        await App.CreateStaffAsync(email, "Button Presser", ["Frontline"]);
        var laptop = await App.SignInAsync(email, RibaltaApp.Password);
        var phone = await App.SignInAsync(email, RibaltaApp.Password);
        Assert.Equal(HttpStatusCode.OK, (await phone.GetAsync("/cases")).StatusCode);

        var response = await PostFormAsync(laptop, "/account", "/logout/all");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        AssertSentToSignIn(await phone.GetAsync("/cases"), "/login");
    }

    [Fact]
    public async Task Deactivation_ends_every_session_at_once()
    {
        var admin = await App.AsAdmin();
        var (session, userId) = await App.NewStaffAsync(StaffRoles.Frontline, name: "Gone Person");
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/api/v1/me")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/staff/{userId}/deactivate", null)).StatusCode);

        // No time passes: the security stamp alone would leave the session a minute.
        Assert.Equal(HttpStatusCode.Unauthorized, (await session.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task Signing_out_of_the_portal_ends_a_saved_copy_of_the_cookie()
    {
        var (browser, copy, _) = await CustomerSignedInAsync("Saved Cookie");
        var caseId = await browser.OpenFromPortalAsync("Saved", "A question.");
        Assert.Equal(HttpStatusCode.OK, (await copy.GetAsync($"/portal/cases/{caseId}")).StatusCode);

        var signedOut = await PostFormAsync(browser, "/portal", "/portal/sign-out");
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);

        AssertSentToSignIn(await copy.GetAsync($"/portal/cases/{caseId}"), "/portal/sign-in");
        AssertSentToSignIn(await copy.GetAsync("/portal"), "/portal/sign-in");
    }

    [Fact]
    public async Task A_customer_signs_out_everywhere_and_only_their_own_sessions_end()
    {
        var (first, _, customerId) = await CustomerSignedInAsync("Two Devices");
        var second = await App.SignInCustomerAsync(customerId);
        var (someoneElse, _, _) = await CustomerSignedInAsync("Someone Else");
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/portal/cases")).StatusCode);

        var response = await PostFormAsync(first, "/portal", "/portal/sign-out/all");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        AssertSentToSignIn(await second.GetAsync("/portal/cases"), "/portal/sign-in");
        Assert.Equal(HttpStatusCode.OK, (await someoneElse.GetAsync("/portal/cases")).StatusCode);
    }

    private Task<T> Sessions<T>(Func<SignInSessions, Task<T>> call) => App.WithServices(s => call(s.GetRequiredService<SignInSessions>()));

    private Task<int> EndAsync(Guid id) => Sessions(async s =>
    {
        await s.EndAsync(id, default);
        return 0;
    });

    private Task<int> EndBehindItsBackAsync(Guid id) => App.WithServices(s => s.GetRequiredService<RibaltaDbContext>().Set<SignInSession>()
        .Where(x => x.Id == id).ExecuteUpdateAsync(x => x.SetProperty(y => y.EndedAt, App.Clock.GetUtcNow())));

    private Task<DateTimeOffset> RenewedAtAsync(Guid person) => App.WithServices(s => s.GetRequiredService<RibaltaDbContext>().Set<SignInSession>().AsNoTracking()
        .Where(x => x.SubjectId == person).Select(x => x.RenewedAt).SingleAsync());

    private Task<DateTimeOffset?> EndedAtAsync(Guid id) => App.WithServices(s => s.GetRequiredService<RibaltaDbContext>().Set<SignInSession>().AsNoTracking()
        .Where(x => x.Id == id).Select(x => x.EndedAt).SingleAsync());

    private static void AssertSentToSignIn(HttpResponseMessage response, string path)
    {
        var location = response.Headers.Location?.OriginalString ?? "";
        Assert.True(
            response.StatusCode == HttpStatusCode.Redirect && location.Contains(path + "?", StringComparison.Ordinal),
            $"expected a redirect to {path}, got {(int)response.StatusCode} {location}");
    }

    /// <summary>Posts the antiforgery token of <paramref name="page"/> to <paramref name="action"/>, as its sign-out form does.</summary>
    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string page, string action)
    {
        var html = await (await client.GetAsync(page)).Content.ReadAsStringAsync();
        Assert.Contains($"action=\"{action}\"", html, StringComparison.Ordinal);
        return await client.PostAsync(action, new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = Forms.AntiforgeryToken(html) }));
    }

    /// <summary>A signed-in member of staff, and a second client that sends a copy of the same cookie.</summary>
    private async Task<(HttpClient Client, HttpClient Copy)> StaffSignedInAsync()
    {
        var email = Api.Unique("copy") + "@staff.test";
        await App.CreateStaffAsync(email, "Cookie Owner", ["Frontline"]);
        var client = App.Anonymous();
        var response = await client.PostAsJsonAsync("/api/v1/session", new { email, password = RibaltaApp.Password });
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        return (client, CopyOf(response, "ribalta.staff"));
    }

    private async Task<(HttpClient Browser, HttpClient Copy, Guid CustomerId)> CustomerSignedInAsync(string name)
    {
        var agent = await App.AsFrontline();
        var customer = await agent.CreateCustomerAsync(new { displayName = name });
        var browser = App.Anonymous();
        var signedIn = await browser.SubmitAsync(await agent.PortalLinkAsync(customer.Id), "portal-sign-in");
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return (browser, CopyOf(signedIn, "ribalta.customer"), customer.Id);
    }

    /// <summary>A client that sends the cookie <paramref name="response"/> set, and keeps nothing it is sent later.</summary>
    private HttpClient CopyOf(HttpResponseMessage response, string cookie)
    {
        // A large cookie comes in chunks (name=chunks-2, nameC1=…, nameC2=…): copy them all.
        var value = string.Join("; ", response.Headers.GetValues("Set-Cookie").Select(h => h.Split(';')[0]).Where(h => h.StartsWith(cookie, StringComparison.Ordinal)));
        var copy = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        copy.DefaultRequestHeaders.Add("Cookie", value);
        return copy;
    }
}

[Collection(SqliteCollection.Name)]
[Trait("Suite", "Sqlite")]
public sealed class SessionTestsOnSqlite(SqliteAppFixture fixture) : SessionTests(fixture.App);

[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class SessionTestsOnPostgres(PostgresAppFixture fixture) : SessionTests(fixture.App);
