using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Ribalta.Platform.Identity;
using Ribalta.Tests.Infrastructure;
using Xunit;

namespace Ribalta.Tests.Integration.Platform;

public abstract partial class StaffTests(RibaltaApp app)
{
    protected RibaltaApp App { get; } = app;

    [Fact]
    public async Task An_invited_person_joins_with_the_roles_they_were_given_once()
    {
        var admin = await App.AsAdmin();
        var email = Api.Unique("new") + "@staff.test";
        var invite = await admin.PostAsJsonAsync("/api/v1/staff/invitations", new { email, displayName = "Rana Haddad", roles = new[] { "Frontline", "TeamLead" } });
        Assert.Equal(HttpStatusCode.Created, invite.StatusCode);
        var url = (await invite.ReadJsonAsync()).GetProperty("url").GetString()!;
        var token = url[(url.LastIndexOf('/') + 1)..];

        var anonymous = App.Anonymous();
        var weak = await anonymous.PostAsJsonAsync("/api/v1/invitations/accept", new { token, password = "short" });
        await weak.AssertRefusedAsync("password", "at least 12 characters");

        var accepted = await anonymous.PostAsJsonAsync("/api/v1/invitations/accept", new { token, password = RibaltaApp.Password });
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        var again = await anonymous.PostAsJsonAsync("/api/v1/invitations/accept", new { token, password = RibaltaApp.Password });
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);

        var joined = await App.SignInAsync(email, RibaltaApp.Password);
        var me = await (await joined.GetAsync("/api/v1/me")).ReadJsonAsync();
        Assert.Equal(new[] { "Frontline", "TeamLead" }, me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).ToArray());
    }

    [Fact]
    public async Task Two_factor_set_up_shows_a_qr_code_of_the_authenticator_link_in_the_person_s_language()
    {
        var agent = await App.AsFrontline();
        var request = new HttpRequestMessage(HttpMethod.Get, "/account");
        request.Headers.AcceptLanguage.ParseAdd("ar");
        var html = await (await agent.SendAsync(request)).Content.ReadAsStringAsync();

        // A scannable code (inline SVG, labelled for screen readers), and the link and key for those who cannot scan.
        Assert.Matches("<div class=\"qr\" role=\"img\" aria-label=\"[^\"]+\"><svg[^>]*viewBox=", html);
        Assert.Contains("رمز QR", System.Net.WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        Assert.Contains("href=\"otpauth://totp/Ribalta:", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invitations_expire()
    {
        var admin = await App.AsAdmin();
        var invite = await admin.PostAsJsonAsync("/api/v1/staff/invitations", new { email = Api.Unique("late") + "@staff.test", displayName = "Late", roles = new[] { "Frontline" } });
        var url = (await invite.ReadJsonAsync()).GetProperty("url").GetString()!;
        App.Clock.Advance(StaffInvitations.InvitationLifetime + TimeSpan.FromMinutes(1));

        var accepted = await App.Anonymous().PostAsJsonAsync("/api/v1/invitations/accept", new { token = url[(url.LastIndexOf('/') + 1)..], password = RibaltaApp.Password });
        Assert.Equal(HttpStatusCode.NotFound, accepted.StatusCode);
    }

    [Fact]
    public async Task Invitations_are_validated()
    {
        var admin = await App.AsAdmin();
        var response = await admin.PostAsJsonAsync("/api/v1/staff/invitations", new { email = "nope", displayName = "", roles = new[] { "Overlord" } });
        await response.AssertRefusedAsync("email");
        await response.AssertRefusedAsync("displayName", "required");
        await response.AssertRefusedAsync("roles", "\"Overlord\" is not a role");
    }

    [Fact]
    public async Task Role_changes_take_effect_and_are_audited()
    {
        var admin = await App.AsAdmin();
        var email = Api.Unique("promote") + "@staff.test";
        var user = await App.CreateStaffAsync(email, "Promoted Person", ["Frontline"]);
        var member = await App.SignInAsync(email, RibaltaApp.Password);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsync("/api/v1/customers/import", new StringContent("name\nx", System.Text.Encoding.UTF8, "text/csv"))).StatusCode);

        var changed = await admin.PutAsJsonAsync($"/api/v1/staff/{user.Id}/roles", new { roles = new[] { "TeamLead" } });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);

        // The security stamp changed: the old cookie is re-validated within a minute and signs the person out.
        App.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.Unauthorized, (await member.GetAsync("/api/v1/me")).StatusCode);
        var again = await App.SignInAsync(email, RibaltaApp.Password);
        var me = await (await again.GetAsync("/api/v1/me")).ReadJsonAsync();
        Assert.Equal(new[] { "TeamLead" }, me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).ToArray());

        var audit = await (await admin.GetAsync($"/api/v1/audit?type=staff.roles_changed&subject={user.Id}")).ReadJsonAsync();
        var entry = Assert.Single(audit.GetProperty("items").EnumerateArray());
        Assert.Contains("TeamLead", entry.GetProperty("payload").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deactivated_person_cannot_sign_in_and_is_signed_out()
    {
        var admin = await App.AsAdmin();
        var email = Api.Unique("leaver") + "@staff.test";
        var user = await App.CreateStaffAsync(email, "Leaver", ["Frontline"]);
        var session = await App.SignInAsync(email, RibaltaApp.Password);

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/staff/{user.Id}/deactivate", null)).StatusCode);
        App.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.Unauthorized, (await session.GetAsync("/api/v1/me")).StatusCode);
        var denied = await App.Anonymous().PostAsJsonAsync("/api/v1/session", new { email, password = RibaltaApp.Password });
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/staff/{user.Id}/reactivate", null)).StatusCode);
        await App.SignInAsync(email, RibaltaApp.Password);
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_without_telling_anyone()
    {
        var email = Api.Unique("locked") + "@staff.test";
        await App.CreateStaffAsync(email, "Locked Out", ["Frontline"]);
        var other = Api.Unique("other") + "@staff.test";
        await App.CreateStaffAsync(other, "Not Locked", ["Frontline"]);
        var client = App.Anonymous();
        for (var i = 0; i < 5; i++)
        {
            await client.PostAsJsonAsync("/api/v1/session", new { email, password = "wrong password " + i });
        }

        // The right password no longer opens the account: Identity's lockout holds.
        var locked = await Answer(client.PostAsJsonAsync("/api/v1/session", new { email, password = RibaltaApp.Password }));
        var wrong = await Answer(client.PostAsJsonAsync("/api/v1/session", new { email = other, password = "wrong password" }));
        var unknown = await Answer(client.PostAsJsonAsync("/api/v1/session", new { email = Api.Unique("nobody") + "@staff.test", password = "wrong password" }));
        Assert.Equal(HttpStatusCode.Unauthorized, locked.Status);
        Assert.Equal(wrong, locked);
        Assert.Equal(unknown, locked);

        // The sign-in page says the same for all three.
        var pages = new List<string>();
        foreach (var (address, password) in new[] { (email, RibaltaApp.Password), (other, "wrong password"), (Api.Unique("nobody") + "@staff.test", "wrong password") })
        {
            var response = await App.Anonymous().SubmitAsync("/login", "login", new Dictionary<string, string> { ["Input.Email"] = address, ["Input.Password"] = password });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            pages.Add(AlertPattern().Match(await response.Content.ReadAsStringAsync()).Value);
        }

        Assert.NotEqual("", pages[0]);
        Assert.All(pages, page => Assert.Equal(pages[0], page));
    }

    /// <summary>Status and problem details of a sign-in answer, without the per-request trace id.</summary>
    private static async Task<(HttpStatusCode Status, string Body)> Answer(Task<HttpResponseMessage> sending)
    {
        var response = await sending;
        var problem = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        problem.Remove("traceId");
        return (response.StatusCode, problem.ToJsonString());
    }

    [System.Text.RegularExpressions.GeneratedRegex("<div class=\"alert error\" role=\"alert\">[^<]*</div>")]
    private static partial System.Text.RegularExpressions.Regex AlertPattern();

    [Fact]
    public async Task Two_step_sign_in_asks_for_the_authenticator_code()
    {
        var email = Api.Unique("totp") + "@staff.test";
        var user = await App.CreateStaffAsync(email, "Careful Person", ["Frontline"]);
        var key = await App.WithServices(async sp =>
        {
            var users = sp.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<StaffUser>>();
            var stored = (await users.FindByIdAsync(user.Id.ToString()))!;
            await users.ResetAuthenticatorKeyAsync(stored);
            await users.SetTwoFactorEnabledAsync(stored, true);
            return (await users.GetAuthenticatorKeyAsync(stored))!;
        });

        var client = App.Anonymous();
        var withoutCode = await client.PostAsJsonAsync("/api/v1/session", new { email, password = RibaltaApp.Password });
        Assert.Equal(HttpStatusCode.Unauthorized, withoutCode.StatusCode);
        Assert.Equal("Login.TwoFactorRequired", (await withoutCode.ReadJsonAsync()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/me")).StatusCode);

        var wrong = await client.PostAsJsonAsync("/api/v1/session", new { email, password = RibaltaApp.Password, twoFactorCode = "000000" == Totp.Code(key, DateTimeOffset.UtcNow) ? "111111" : "000000" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);

        // Authenticator codes follow the wall clock, as the phone in the person's hand does.
        var right = await client.PostAsJsonAsync("/api/v1/session", new { email, password = RibaltaApp.Password, twoFactorCode = Totp.Code(key, DateTimeOffset.UtcNow) });
        Assert.Equal(HttpStatusCode.NoContent, right.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task Staff_pages_and_apis_are_closed_to_anonymous_callers()
    {
        var anonymous = App.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/customers")).StatusCode);
        var page = await anonymous.GetAsync("/customers");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/login", page.Headers.Location?.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_login_page_signs_in_with_antiforgery_and_rejects_forged_posts()
    {
        var email = Api.Unique("page") + "@staff.test";
        await App.CreateStaffAsync(email, "Page User", ["Frontline"]);
        var browser = App.Anonymous();
        var response = await browser.SubmitAsync("/login?returnUrl=%2Fcustomers", "login", new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Password"] = RibaltaApp.Password });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/customers", response.Headers.Location?.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/customers")).StatusCode);

        var forged = await App.Anonymous().PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["_handler"] = "login", ["Input.Email"] = email, ["Input.Password"] = RibaltaApp.Password }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        // The same handler and the same good password as above: only the missing token differs, and nobody is signed in.
        Assert.False(forged.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("ribalta.staff=", StringComparison.Ordinal)));
        Assert.Empty(await forged.Content.ReadAsByteArrayAsync());

        var offsite = await App.Anonymous().SubmitAsync("/login?returnUrl=https%3A%2F%2Fevil.example", "login", new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Password"] = RibaltaApp.Password });
        Assert.Equal("/", offsite.Headers.Location?.PathAndQuery);
        Assert.Equal("localhost", offsite.Headers.Location?.Host);
    }
}

[Collection(SqliteCollection.Name)]
[Trait("Suite", "Sqlite")]
public sealed class StaffTestsOnSqlite(SqliteAppFixture fixture) : StaffTests(fixture.App);

[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class StaffTestsOnPostgres(PostgresAppFixture fixture) : StaffTests(fixture.App);

/// <summary>First run on an empty installation: only the console token creates the first administrator.</summary>
[Trait("Suite", "Sqlite")]
public sealed class FirstRunTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ribalta-first-" + Guid.NewGuid().ToString("N")[..8]);
    private RibaltaApp _app = null!;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _app = new RibaltaApp("Sqlite", $"Data Source={Path.Combine(_directory, "r.db")}", _directory);
        _ = _app.Server;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Only_the_console_token_creates_the_first_administrator_and_only_once()
    {
        var gate = _app.Services.GetRequiredService<SetupGate>();
        Assert.True(gate.IsOpen);
        var token = gate.Open(); // what start-up printed, re-issued so the test can hold it
        var anonymous = _app.Anonymous();

        var guess = await anonymous.PostAsJsonAsync("/api/v1/setup", new { token = "guess", email = "root@example.org", displayName = "Root", password = RibaltaApp.Password });
        Assert.Equal(HttpStatusCode.Forbidden, guess.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/setup?token=guess")).StatusCode);

        var weak = await anonymous.PostAsJsonAsync("/api/v1/setup", new { token, email = "root@example.org", displayName = "Root", password = "123" });
        await weak.AssertRefusedAsync("password", "at least 12 characters");

        var created = await anonymous.PostAsJsonAsync("/api/v1/setup", new { token, email = "root@example.org", displayName = "Root", password = RibaltaApp.Password });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.False(gate.IsOpen);

        var replay = await anonymous.PostAsJsonAsync("/api/v1/setup", new { token, email = "second@example.org", displayName = "Second", password = RibaltaApp.Password });
        Assert.Equal(HttpStatusCode.Forbidden, replay.StatusCode);

        // The only administrator cannot lock the organisation out.
        var admin = await _app.SignInAsync("root@example.org", RibaltaApp.Password);
        var me = await (await admin.GetAsync("/api/v1/me")).ReadJsonAsync();
        var id = me.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PutAsJsonAsync($"/api/v1/staff/{id}/roles", new { roles = new[] { "Manager" } })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync($"/api/v1/staff/{id}/deactivate", null)).StatusCode);
    }
}
