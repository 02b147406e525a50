using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Ribalta.Channels.Chat;
using Ribalta.Tests.Infrastructure;
using Ribalta.Tests.Integration.Cases;
using Ribalta.Tests.Integration.Channels;
using Xunit;

namespace Ribalta.Tests.Integration.Platform;

/// <summary>Every response, page, JSON or error, carries the browser protections; responses with a stricter policy keep theirs.</summary>
public abstract class SecurityHeaderTests(RibaltaApp app)
{
    protected RibaltaApp App { get; } = app;

    [Fact]
    public async Task A_page_runs_only_the_applications_own_scripts()
    {
        var page = await App.Anonymous().GetAsync("/login");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var policy = AssertProtected(page);
        Assert.Contains("frame-ancestors 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self' ws://", policy, StringComparison.Ordinal);
        Assert.Contains("object-src 'none'", policy, StringComparison.Ordinal);

        // Nothing on the page would be blocked: no inline script, no inline event handler.
        var html = await page.Content.ReadAsStringAsync();
        Assert.DoesNotMatch("<script(?![^>]*\\bsrc=)[^>]*>", html);
        Assert.DoesNotMatch("\\son[a-z]+=\"", html);
    }

    [Fact]
    public async Task Json_and_error_answers_carry_the_same_protections()
    {
        var agent = await App.AsFrontline();
        var json = await agent.GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        AssertProtected(json);

        var missing = await agent.GetAsync("/api/v1/cases/987654321");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        AssertProtected(missing);

        var malformed = await agent.PostAsync("/api/v1/cases", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));
        await malformed.AssertUnreadableJsonAsync();
        AssertProtected(malformed);

        AssertProtected(await App.Anonymous().GetAsync("/api/v1/me"));
    }

    [Fact]
    public async Task Over_https_browsers_are_told_to_stay_on_https()
    {
        var secure = App.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://desk.ribalta.test"), AllowAutoRedirect = false });
        var page = await secure.GetAsync("/login");
        Assert.StartsWith("max-age=", page.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
        Assert.Contains("connect-src 'self' wss://desk.ribalta.test", AssertProtected(page), StringComparison.Ordinal);

        Assert.False((await App.Anonymous().GetAsync("/login")).Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task Attachments_keep_their_sandbox_and_the_chat_preview_its_framing()
    {
        var agent = await App.AsFrontline();
        var customer = await agent.CreateCustomerAsync(new { displayName = "Header Person" });
        var opened = await agent.OpenCaseAsync(new { customerId = customer.Id, subject = "Headers", body = "A file." });
        var file = await agent.UploadAsync(opened.Id, "note.txt", "plain words"u8.ToArray());
        var download = await agent.GetAsync($"/api/v1/attachments/{file.Id}");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("default-src 'none'; img-src 'self'; sandbox", download.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());

        var admin = await App.AsAdmin();
        var widget = await admin.CreateWidgetAsync(new ChatWidgetInput(Api.Unique("Headers "), ["https://shop.example.com"], Enabled: true));
        var preview = await admin.GetAsync($"/chat/preview/{widget.Key}");
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        var policy = AssertProtected(preview);
        Assert.DoesNotContain("frame-ancestors", policy, StringComparison.Ordinal);
    }

    /// <summary>Asserts the common headers and a script policy of own files only; returns the policy.</summary>
    private static string AssertProtected(HttpResponseMessage response)
    {
        var what = $"{(int)response.StatusCode} {response.RequestMessage?.RequestUri}";
        Assert.True(response.Headers.TryGetValues("X-Content-Type-Options", out var nosniff), what);
        Assert.Equal("nosniff", nosniff.Single());
        Assert.Equal("strict-origin-when-cross-origin", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains("camera=()", response.Headers.GetValues("Permissions-Policy").Single(), StringComparison.Ordinal);
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
        Assert.Contains("default-src 'self'", policy, StringComparison.Ordinal);
        return policy;
    }
}

[Collection(SqliteCollection.Name)]
[Trait("Suite", "Sqlite")]
public sealed class SecurityHeaderTestsOnSqlite(SqliteAppFixture fixture) : SecurityHeaderTests(fixture.App);

[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class SecurityHeaderTestsOnPostgres(PostgresAppFixture fixture) : SecurityHeaderTests(fixture.App);
