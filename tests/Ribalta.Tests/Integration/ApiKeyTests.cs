using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Ribalta.Cases.Ingest;
using Ribalta.Platform.Data;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Integrations;
using Ribalta.Tests.Infrastructure;
using Xunit;

namespace Ribalta.Tests.Integration;

/// <summary>Integration keys: shown once, stored hashed, scoped, expiring, revocable, and recorded as the integration that acted.</summary>
public abstract partial class ApiKeyTests(RibaltaApp app)
{
    protected RibaltaApp App { get; } = app;

    private async Task<ApiKeyCreated> CreateAsync(HttpClient admin, string name, string[] scopes, int? days = null)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name, scopes, expiresInDays = days }, Api.Json);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ApiKeyCreated>(Api.Json))!;
    }

    private HttpClient With(string key, bool bearer = true)
    {
        var client = App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        if (bearer)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        else
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        return client;
    }

    private static object Message(string tag) => new { from = new { email = $"api.{tag}@example.org" }, body = "Hello, my parcel has not arrived yet, can you check?" };

    [Fact]
    public async Task A_key_is_shown_once_stored_as_a_hash_and_works_within_its_scopes()
    {
        var admin = await App.AsAdmin();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var reader = await CreateAsync(admin, $"Reporting {tag}", ["read"]);
        var writer = await CreateAsync(admin, $"Mail gateway {tag}", ["read", "write"]);
        Assert.StartsWith("rbk_", writer.Key);
        Assert.StartsWith(writer.ApiKey.Prefix, writer.Key);
        Assert.Equal(["read", "write"], writer.ApiKey.Scopes);

        // Listed without the secret; the database holds only its hash.
        var listed = await admin.GetStringAsync("/api/v1/api-keys");
        Assert.Contains(writer.ApiKey.Prefix, listed);
        Assert.DoesNotContain(writer.Key, listed);
        var stored = await App.WithServices(s => s.GetRequiredService<RibaltaDbContext>().Set<ApiKey>().AsNoTracking().SingleAsync(k => k.Id == writer.ApiKey.Id));
        Assert.NotEqual(writer.Key, stored.SecretHash);
        Assert.DoesNotContain(writer.Key[4..], stored.SecretHash);

        // Read: GETs only. Write: ingest too, recorded as the integration. Neither reaches admin settings.
        Assert.Equal(HttpStatusCode.OK, (await With(reader.Key).GetAsync("/api/v1/cases?view=Open&limit=5")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await With(reader.Key).PostAsJsonAsync("/api/v1/messages", Message(tag), Api.Json)).StatusCode);
        var created = await With(writer.Key, bearer: false).PostAsJsonAsync("/api/v1/messages", Message(tag), Api.Json);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var result = (await created.Content.ReadFromJsonAsync<IngestResult>(Api.Json))!;
        var opened = await App.WithServices(s => s.GetRequiredService<RibaltaDbContext>().Set<EventRecord>().AsNoTracking()
            .SingleAsync(e => e.SubjectType == "case" && e.SubjectId == result.CaseId.ToString() && e.Type == "case.opened"));
        Assert.Equal(ActorKind.Integration, opened.ActorKind);
        Assert.Equal($"Mail gateway {tag}", opened.ActorName);
        Assert.Equal(HttpStatusCode.Forbidden, (await With(writer.Key).GetAsync("/api/v1/api-keys")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await With(writer.Key).PutAsJsonAsync("/api/v1/targets", new { targets = Array.Empty<object>() }, Api.Json)).StatusCode);

        // Even an admin key manages no people, keys or webhooks: a leaked key cannot mint its successors.
        var adminKey = await CreateAsync(admin, $"Settings sync {tag}", ["admin"]);
        Assert.Equal(HttpStatusCode.OK, (await With(adminKey.Key).GetAsync("/api/v1/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await With(adminKey.Key).GetAsync("/api/v1/staff")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await With(adminKey.Key).PostAsJsonAsync("/api/v1/api-keys", new { name = "More", scopes = new[] { "admin" } }, Api.Json)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await With(adminKey.Key).GetAsync("/api/v1/webhooks")).StatusCode);

        // Last used is shown to the admin.
        var keys = (await admin.GetFromJsonAsync<List<ApiKeyDto>>("/api/v1/api-keys", Api.Json))!;
        Assert.NotNull(keys.Single(k => k.Id == writer.ApiKey.Id).LastUsedAt);
        Assert.Null(keys.Single(k => k.Id == reader.ApiKey.Id).RevokedAt);
    }

    /// <summary>
    /// Where any member of staff may write (the staff policy), every key passes the role check, read-only ones included: it
    /// is the scope requirement alone that keeps a read key to GET and HEAD. Each such endpoint refuses a read key (403
    /// without the application's code: the policy, not a handler) and lets a write key through to its handler.
    /// </summary>
    [Fact]
    public async Task A_read_only_key_writes_nowhere_even_where_any_staff_member_may()
    {
        var admin = await App.AsAdmin();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var reader = await CreateAsync(admin, $"Reader {tag}", ["read"]);
        var writer = await CreateAsync(admin, $"Writer {tag}", ["read", "write"]);
        var writes = App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .Where(e => e.Metadata.GetOrderedMetadata<IAuthorizeData>() is { Count: > 0 } policies && policies.All(a => a.Policy == Policies.Staff))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Where(m => m is not ("GET" or "HEAD"))
                .Select(m => (Method: m, Url: RouteValue().Replace(e.RoutePattern.RawText!, v => v.Value.Contains(":guid", StringComparison.Ordinal) ? Guid.NewGuid().ToString() : "999999999"))))
            .ToList();
        Assert.NotEmpty(writes);
        foreach (var (method, url) in writes)
        {
            var refused = await With(reader.Key).SendAsync(new HttpRequestMessage(new HttpMethod(method), url) { Content = JsonContent.Create(new { }) });
            var body = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.Forbidden && !body.Contains("\"code\"", StringComparison.Ordinal), $"read key {method} {url}: {(int)refused.StatusCode} {body}");
            var through = await With(writer.Key).SendAsync(new HttpRequestMessage(new HttpMethod(method), url) { Content = JsonContent.Create(new { }) });
            Assert.True(through.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden), $"write key {method} {url}: {(int)through.StatusCode}");
        }
    }

    [Fact]
    public async Task A_revoked_expired_or_made_up_key_gets_401_and_changes_nothing()
    {
        var admin = await App.AsAdmin();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var key = await CreateAsync(admin, $"Shop {tag}", ["write"], days: 1);
        Assert.Equal(HttpStatusCode.OK, (await With(key.Key).GetAsync("/api/v1/cases?limit=1")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await With("rbk_" + new string('x', 43)).GetAsync("/api/v1/cases?limit=1")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await With(key.Key[..^1] + (key.Key[^1] == 'A' ? 'B' : 'A')).GetAsync("/api/v1/cases?limit=1")).StatusCode);

        var revoked = await admin.DeleteAsync($"/api/v1/api-keys/{key.ApiKey.Id}");
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await With(key.Key).PostAsJsonAsync("/api/v1/messages", Message(tag), Api.Json)).StatusCode);
        Assert.Null((await admin.SearchCustomersAsync($"api.{tag}@example.org")).Items.FirstOrDefault());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/v1/api-keys/{Guid.NewGuid()}")).StatusCode);

        var shortLived = await CreateAsync(admin, $"Short {tag}", ["read"], days: 1);
        App.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await With(shortLived.Key).GetAsync("/api/v1/cases?limit=1")).StatusCode);
    }

    [Fact]
    public async Task Bad_key_requests_are_refused_with_reasons()
    {
        var admin = await App.AsAdmin();
        async Task RefusedAsync(object body, string field)
        {
            var response = await admin.PostAsJsonAsync("/api/v1/api-keys", body, Api.Json);
            await response.AssertRefusedAsync(field);
        }

        await RefusedAsync(new { name = "", scopes = new[] { "read" } }, "name");
        await RefusedAsync(new { name = "No scopes", scopes = Array.Empty<string>() }, "scopes");
        await RefusedAsync(new { name = "Odd scope", scopes = new[] { "delete" } }, "scopes");
        await RefusedAsync(new { name = "Forever", scopes = new[] { "read" }, expiresInDays = 10_000 }, "expiresInDays");
        Assert.Equal(HttpStatusCode.Forbidden, (await (await App.AsFrontline()).PostAsJsonAsync("/api/v1/api-keys", new { name = "Mine", scopes = new[] { "read" } }, Api.Json)).StatusCode);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\{[^}]+\}")]
    private static partial System.Text.RegularExpressions.Regex RouteValue();
}

[Collection(SqliteCollection.Name)]
[Trait("Suite", "Sqlite")]
public sealed class ApiKeyTestsOnSqlite(SqliteAppFixture fixture) : ApiKeyTests(fixture.App);

[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class ApiKeyTestsOnPostgres(PostgresAppFixture fixture) : ApiKeyTests(fixture.App);
