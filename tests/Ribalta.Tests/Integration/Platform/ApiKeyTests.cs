using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Ribalta.Channels.Ingest;
using Ribalta.Platform.Data;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Integrations;
using Ribalta.Tests.Infrastructure;
using Xunit;

namespace Ribalta.Tests.Integration.Platform;

/// <summary>Integration keys: shown once, stored hashed, scoped, expiring, revocable, and recorded as the integration that acted.</summary>
public abstract partial class ApiKeyTests(RibaltaApp app)
{
    protected RibaltaApp App { get; } = app;

    private static object Message(string tag) => new { from = new { email = $"api.{tag}@example.org" }, body = "Hello, my parcel has not arrived yet, can you check?" };

    [Fact]
    public async Task A_key_is_shown_once_stored_as_a_hash_and_works_within_its_scopes()
    {
        var admin = await App.AsAdmin();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var reader = await admin.CreateApiKeyAsync($"Reporting {tag}", ["read"]);
        var writer = await admin.CreateApiKeyAsync($"Mail gateway {tag}", ["read", "write"]);
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
        Assert.Equal(HttpStatusCode.OK, (await App.WithApiKey(reader.Key).GetAsync("/api/v1/cases?view=Open&limit=5")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await App.WithApiKey(reader.Key).PostAsJsonAsync("/api/v1/messages", Message(tag), Api.Json)).StatusCode);
        var created = await App.WithApiKey(writer.Key, bearer: false).PostAsJsonAsync("/api/v1/messages", Message(tag), Api.Json);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var result = (await created.Content.ReadFromJsonAsync<IngestResult>(Api.Json))!;
        var opened = await App.WithServices(s => s.GetRequiredService<RibaltaDbContext>().Set<EventRecord>().AsNoTracking()
            .SingleAsync(e => e.SubjectType == "case" && e.SubjectId == result.CaseId.ToString() && e.Type == "case.opened"));
        Assert.Equal(ActorKind.Integration, opened.ActorKind);
        Assert.Equal($"Mail gateway {tag}", opened.ActorName);
        Assert.Equal(HttpStatusCode.Forbidden, (await App.WithApiKey(writer.Key).GetAsync("/api/v1/api-keys")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await App.WithApiKey(writer.Key).PutAsJsonAsync("/api/v1/targets", new { targets = Array.Empty<object>() }, Api.Json)).StatusCode);

        // Even an admin key manages no people, keys or webhooks: a leaked key cannot mint its successors.
        var adminKey = await admin.CreateApiKeyAsync($"Settings sync {tag}", ["admin"]);
        Assert.Equal(HttpStatusCode.OK, (await App.WithApiKey(adminKey.Key).GetAsync("/api/v1/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await App.WithApiKey(adminKey.Key).GetAsync("/api/v1/staff")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await App.WithApiKey(adminKey.Key).PostAsJsonAsync("/api/v1/api-keys", new { name = "More", scopes = new[] { "admin" } }, Api.Json)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await App.WithApiKey(adminKey.Key).GetAsync("/api/v1/webhooks")).StatusCode);

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
        var reader = await admin.CreateApiKeyAsync($"Reader {tag}", ["read"]);
        var writer = await admin.CreateApiKeyAsync($"Writer {tag}", ["read", "write"]);
        var writes = App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .Where(e => e.Metadata.GetOrderedMetadata<IAuthorizeData>() is { Count: > 0 } policies && policies.All(a => a.Policy == Policies.Staff))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Where(m => m is not ("GET" or "HEAD"))
                .Select(m => (Method: m, Url: RouteValue().Replace(e.RoutePattern.RawText!, v => v.Value.Contains(":guid", StringComparison.Ordinal) ? Guid.NewGuid().ToString() : "999999999"))))
            .ToList();
        Assert.NotEmpty(writes);
        foreach (var (method, url) in writes)
        {
            var refused = await App.WithApiKey(reader.Key).SendAsync(new HttpRequestMessage(new HttpMethod(method), url) { Content = JsonContent.Create(new { }) });
            var body = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.Forbidden && !body.Contains("\"code\"", StringComparison.Ordinal), $"read key {method} {url}: {(int)refused.StatusCode} {body}");
            var through = await App.WithApiKey(writer.Key).SendAsync(new HttpRequestMessage(new HttpMethod(method), url) { Content = JsonContent.Create(new { }) });
            Assert.True(through.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden), $"write key {method} {url}: {(int)through.StatusCode}");
        }
    }

    [Fact]
    public async Task A_revoked_expired_or_made_up_key_gets_401_and_changes_nothing()
    {
        var admin = await App.AsAdmin();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var key = await admin.CreateApiKeyAsync($"Shop {tag}", ["write"], expiresInDays: 1);
        Assert.Equal(HttpStatusCode.OK, (await App.WithApiKey(key.Key).GetAsync("/api/v1/cases?limit=1")).StatusCode);

        var madeUp = await App.WithApiKey("rbk_" + new string('x', 43)).GetAsync("/api/v1/cases?limit=1");
        Assert.Equal(HttpStatusCode.Unauthorized, madeUp.StatusCode);
        Assert.Equal("Bearer", Assert.Single(madeUp.Headers.WwwAuthenticate).Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.WithApiKey(key.Key[..^1] + (key.Key[^1] == 'A' ? 'B' : 'A')).GetAsync("/api/v1/cases?limit=1")).StatusCode);

        var revoked = await admin.DeleteAsync($"/api/v1/api-keys/{key.ApiKey.Id}");
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.WithApiKey(key.Key).PostAsJsonAsync("/api/v1/messages", Message(tag), Api.Json)).StatusCode);
        Assert.Null((await admin.SearchCustomersAsync($"api.{tag}@example.org")).Items.FirstOrDefault());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/v1/api-keys/{Guid.NewGuid()}")).StatusCode);

        var shortLived = await admin.CreateApiKeyAsync($"Short {tag}", ["read"], expiresInDays: 1);
        App.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.WithApiKey(shortLived.Key).GetAsync("/api/v1/cases?limit=1")).StatusCode);
    }

    [Fact]
    public async Task Bad_key_requests_are_refused_with_reasons()
    {
        var admin = await App.AsAdmin();
        async Task RefusedAsync(object body, string field, string saying)
        {
            var response = await admin.PostAsJsonAsync("/api/v1/api-keys", body, Api.Json);
            var messages = await response.AssertRefusedAsync(field, saying);
            Assert.Equal(saying, Assert.Single(messages.EnumerateArray()).GetString());
            Assert.Equal([field], (await response.ReadJsonAsync()).GetProperty("errors").EnumerateObject().Select(e => e.Name));
        }

        await RefusedAsync(new { name = "", scopes = new[] { "read" } }, "name", "This field is required.");
        await RefusedAsync(new { name = new string('n', 101), scopes = new[] { "read" } }, "name", "At most 100 characters.");
        await RefusedAsync(new { name = "Bell\u0007", scopes = new[] { "read" } }, "name", "Remove the invisible control characters.");
        await RefusedAsync(new { name = "No scopes", scopes = Array.Empty<string>() }, "scopes", "Choose at least one permission.");
        await RefusedAsync(new { name = "Scopes left out" }, "scopes", "Choose at least one permission.");
        await RefusedAsync(new { name = "Odd scope", scopes = new[] { "delete" } }, "scopes", "Unknown permission \"delete\": use read, write or admin.");

        // One unknown scope spoils a list of good ones, "none" and a number are not scopes even though the enum parses them.
        await RefusedAsync(new { name = "One odd scope", scopes = new[] { "read", "delete" } }, "scopes", "Unknown permission \"delete\": use read, write or admin.");
        await RefusedAsync(new { name = "None scope", scopes = new[] { "read", "none" } }, "scopes", "Unknown permission \"none\": use read, write or admin.");
        await RefusedAsync(new { name = "Number scope", scopes = new[] { "read", "3" } }, "scopes", "Unknown permission \"3\": use read, write or admin.");
        await RefusedAsync(new { name = "Null scope", scopes = new[] { "read", null } }, "scopes", "Unknown permission \"\": use read, write or admin.");

        await RefusedAsync(new { name = "Forever", scopes = new[] { "read" }, expiresInDays = 10_000 }, "expiresInDays", "A key lasts from 1 to 730 days.");
        await RefusedAsync(new { name = "A day too long", scopes = new[] { "read" }, expiresInDays = 731 }, "expiresInDays", "A key lasts from 1 to 730 days.");
        await RefusedAsync(new { name = "No time", scopes = new[] { "read" }, expiresInDays = 0 }, "expiresInDays", "A key lasts from 1 to 730 days.");
        Assert.Equal(HttpStatusCode.Forbidden, (await (await App.AsFrontline()).PostAsJsonAsync("/api/v1/api-keys", new { name = "Mine", scopes = new[] { "read" } }, Api.Json)).StatusCode);
    }

    [Fact]
    public async Task A_key_lasts_the_days_asked_for_up_to_730_and_keeps_each_scope_once()
    {
        var admin = await App.AsAdmin();
        var tag = Guid.NewGuid().ToString("N")[..8];

        var longest = await admin.CreateApiKeyAsync($"  Longest {tag} ", ["read", "read"], expiresInDays: ApiKeyService.MaxDays);
        Assert.Equal($"Longest {tag}", longest.ApiKey.Name);
        Assert.Equal(["read"], longest.ApiKey.Scopes);
        Assert.Equal(TimeSpan.FromDays(730), longest.ApiKey.ExpiresAt - longest.ApiKey.CreatedAt);
        Assert.Equal(12, longest.ApiKey.Prefix.Length);

        var shortest = await admin.CreateApiKeyAsync($"Shortest {tag}", ["Write", "ADMIN", "write"], expiresInDays: 1);
        Assert.Equal(["write", "admin"], shortest.ApiKey.Scopes);
        Assert.Equal(TimeSpan.FromDays(1), shortest.ApiKey.ExpiresAt - shortest.ApiKey.CreatedAt);

        var unsaid = await admin.CreateApiKeyAsync($"Default {tag}", ["read"]);
        Assert.Equal(TimeSpan.FromDays(365), unsaid.ApiKey.ExpiresAt - unsaid.ApiKey.CreatedAt);
    }

    [Fact]
    public async Task Creating_and_revoking_a_key_are_audited_once_each()
    {
        var admin = await App.AsAdmin();
        var me = await (await admin.GetAsync("/api/v1/me")).ReadJsonAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var key = await admin.CreateApiKeyAsync($"Audited {tag}", ["write", "read"]);

        var revoked = (await (await admin.DeleteAsync($"/api/v1/api-keys/{key.ApiKey.Id}")).Content.ReadFromJsonAsync<ApiKeyDto>(Api.Json))!;
        Assert.NotNull(revoked.RevokedAt);
        App.Clock.Advance(TimeSpan.FromMinutes(1));
        var again = await admin.DeleteAsync($"/api/v1/api-keys/{key.ApiKey.Id}");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var revokedAgain = (await again.Content.ReadFromJsonAsync<ApiKeyDto>(Api.Json))!;
        Assert.True((revokedAgain.RevokedAt!.Value - revoked.RevokedAt!.Value).Duration() < TimeSpan.FromMilliseconds(1), $"revoked at {revoked.RevokedAt:O}, then {revokedAgain.RevokedAt:O}");

        var audit = (await (await admin.GetAsync($"/api/v1/audit?subject={key.ApiKey.Id}")).ReadJsonAsync()).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["api_key.revoked", "api_key.created"], audit.Select(e => e.GetProperty("type").GetString()));
        foreach (var entry in audit)
        {
            Assert.Equal("api_key", entry.GetProperty("subjectType").GetString());
            Assert.Equal(me.GetProperty("displayName").GetString(), entry.GetProperty("actorName").GetString());
            Assert.Contains(key.ApiKey.Prefix, entry.GetProperty("payload").GetString(), StringComparison.Ordinal);
        }

        var created = audit[1].GetProperty("payload").GetString()!;
        Assert.Contains("\"read\"", created, StringComparison.Ordinal);
        Assert.Contains("\"write\"", created, StringComparison.Ordinal);
        Assert.DoesNotContain(key.Key[4..], created, StringComparison.Ordinal);
    }

    /// <summary>
    /// Only a value with the key prefix and at most 100 characters is looked up. The service issues no other kind, so
    /// such keys are stored here by hand: a lookup would find them, and only the check in front of it refuses them.
    /// </summary>
    [Fact]
    public async Task Only_a_value_with_the_key_prefix_and_at_most_100_characters_is_looked_up()
    {
        var tag = Guid.NewGuid().ToString("N");
        var longest = "rbk_" + tag + new string('x', 100 - 4 - tag.Length);
        var tooLong = longest + "x";
        var unprefixed = "rbx_" + tag[..24] + "abcdefghijklmnopqrs";
        foreach (var secret in new[] { longest, tooLong, unprefixed })
        {
            await App.WithServices(async s =>
            {
                var db = s.GetRequiredService<RibaltaDbContext>();
                var now = App.Clock.GetUtcNow();
                db.Add(new ApiKey { Name = "Planted " + secret[..12], Prefix = secret[..12], SecretHash = Ribalta.Platform.Security.SecretToken.Hash(secret), Scopes = ApiKeyScopes.Read, CreatedAt = now, CreatedBy = "test", ExpiresAt = now.AddDays(1) });
                return await db.SaveChangesAsync();
            });
        }

        Assert.Equal(47, unprefixed.Length);
        Assert.Equal(HttpStatusCode.OK, (await App.WithApiKey(longest).GetAsync("/api/v1/cases?limit=1")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.WithApiKey(tooLong).GetAsync("/api/v1/cases?limit=1")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.WithApiKey(unprefixed, bearer: false).GetAsync("/api/v1/cases?limit=1")).StatusCode);
    }

    [Fact]
    public async Task A_key_works_until_the_instant_it_expires()
    {
        var admin = await App.AsAdmin();
        var key = await admin.CreateApiKeyAsync($"Edge {Guid.NewGuid():N}", ["read"], expiresInDays: 1);
        var expiresAt = (await ListedAsync(admin, key)).ExpiresAt; // as stored, to the provider's precision

        App.Clock.Advance(expiresAt - TimeSpan.FromMicroseconds(1) - App.Clock.GetUtcNow());
        Assert.Equal(HttpStatusCode.OK, (await App.WithApiKey(key.Key).GetAsync("/api/v1/cases?limit=1")).StatusCode);
        App.Clock.Advance(TimeSpan.FromMicroseconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.WithApiKey(key.Key).GetAsync("/api/v1/cases?limit=1")).StatusCode);
    }

    /// <summary>Last used is written on first use, then at most once a minute (not on every request).</summary>
    [Fact]
    public async Task Last_used_is_noted_at_first_use_and_then_at_most_once_a_minute()
    {
        var admin = await App.AsAdmin();
        var key = await admin.CreateApiKeyAsync($"Busy {Guid.NewGuid():N}", ["read"]);
        Assert.Null((await ListedAsync(admin, key)).LastUsedAt);
        async Task UseAsync() => Assert.Equal(HttpStatusCode.OK, (await App.WithApiKey(key.Key).GetAsync("/api/v1/cases?limit=1")).StatusCode);

        var firstUse = App.Clock.GetUtcNow();
        await UseAsync();
        var noted = (await ListedAsync(admin, key)).LastUsedAt!.Value;
        // Stored to the provider's precision (100 µs on SQLite, 1 µs on PostgreSQL): the steps below start from what was stored.
        Assert.True((noted - firstUse).Duration() < TimeSpan.FromMilliseconds(1), $"used at {firstUse:O}, noted {noted:O}");

        App.Clock.Advance(noted + TimeSpan.FromMinutes(1) - TimeSpan.FromMicroseconds(1) - App.Clock.GetUtcNow());
        await UseAsync();
        Assert.Equal(noted, (await ListedAsync(admin, key)).LastUsedAt);

        App.Clock.Advance(TimeSpan.FromMicroseconds(1));
        await UseAsync();
        Assert.Equal(noted + TimeSpan.FromMinutes(1), (await ListedAsync(admin, key)).LastUsedAt);
    }

    private static async Task<ApiKeyDto> ListedAsync(HttpClient admin, ApiKeyCreated key) =>
        (await admin.GetFromJsonAsync<List<ApiKeyDto>>("/api/v1/api-keys", Api.Json))!.Single(k => k.Id == key.ApiKey.Id);

    [System.Text.RegularExpressions.GeneratedRegex(@"\{[^}]+\}")]
    private static partial System.Text.RegularExpressions.Regex RouteValue();
}

[Collection(SqliteCollection.Name)]
[Trait("Suite", "Sqlite")]
public sealed class ApiKeyTestsOnSqlite(SqliteAppFixture fixture) : ApiKeyTests(fixture.App);

[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class ApiKeyTestsOnPostgres(PostgresAppFixture fixture) : ApiKeyTests(fixture.App);
