using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Json;
using Ribalta.Customers.PortalAccess;
using Ribalta.Tests.Infrastructure;
using Xunit;

namespace Ribalta.Tests.Integration.Customers;

public abstract class PortalTests(RibaltaApp app)
{
    protected RibaltaApp App { get; } = app;

    private async Task<(Guid CustomerId, string Token)> IssueLinkAsync(string name)
    {
        var agent = await App.AsFrontline();
        var customer = await agent.CreateCustomerAsync(new { displayName = name, preferredLanguage = "es" });
        var link = await (await agent.PostAsync($"/api/v1/customers/{customer.Id}/portal-links", null)).ReadJsonAsync();
        var url = link.GetProperty("url").GetString()!;
        Assert.Contains("/portal/sign-in/", url, StringComparison.Ordinal);
        return (customer.Id, url[(url.LastIndexOf('/') + 1)..]);
    }

    [Fact]
    public async Task A_magic_link_signs_the_customer_in_once_in_their_language()
    {
        var (_, token) = await IssueLinkAsync("Lucía García");
        Assert.True(token.Length >= 43, "at least 256 bits of randomness, base64url");

        var browser = App.Anonymous();
        var signedIn = await browser.SubmitAsync($"/portal/sign-in/{token}", "portal-sign-in");
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/portal", signedIn.Headers.Location?.PathAndQuery);

        var home = await (await browser.GetAsync("/portal")).Content.ReadAsStringAsync();
        Assert.Contains("Hola, <bdi>Lucía García</bdi>", System.Net.WebUtility.HtmlDecode(home), StringComparison.Ordinal);

        var reuse = await App.Anonymous().SubmitAsync($"/portal/sign-in/{token}", "portal-sign-in");
        Assert.Equal(HttpStatusCode.OK, reuse.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await App.Anonymous().GetAsync("/portal")).StatusCode);
    }

    [Fact]
    public async Task Opening_the_link_does_not_spend_it_and_expired_links_fail()
    {
        var (_, token) = await IssueLinkAsync("Omar Saeed");
        var scanner = App.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await scanner.GetAsync($"/portal/sign-in/{token}")).StatusCode);

        App.Clock.Advance(PortalLinks.Lifetime + TimeSpan.FromMinutes(1));
        var late = App.Anonymous();
        var response = await late.SubmitAsync($"/portal/sign-in/{token}", "portal-sign-in");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await late.GetAsync("/portal")).StatusCode);
    }

    [Fact]
    public async Task Links_are_stored_hashed()
    {
        var (customerId, token) = await IssueLinkAsync("Hashed Person");
        var hashes = await App.WithServices(async sp =>
        {
            var db = sp.GetRequiredService<Ribalta.Platform.Data.RibaltaDbContext>();
            return await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
                db.Set<Ribalta.Customers.Domain.CustomerSignInLink>().Where(l => l.CustomerId == customerId).Select(l => l.TokenHash));
        });
        Assert.Equal(Ribalta.Platform.Security.SecretToken.Hash(token), Assert.Single(hashes));
        Assert.DoesNotContain(token, hashes);
    }

    [Fact]
    public async Task A_customer_session_opens_nothing_meant_for_staff()
    {
        var (_, token) = await IssueLinkAsync("Curious Customer");
        var customer = App.Anonymous();
        await customer.SubmitAsync($"/portal/sign-in/{token}", "portal-sign-in");

        Assert.Equal(HttpStatusCode.Unauthorized, (await customer.GetAsync("/api/v1/customers")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await customer.GetAsync("/api/v1/me")).StatusCode);
        var page = await customer.GetAsync("/customers");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/login", page.Headers.Location?.PathAndQuery, StringComparison.Ordinal);
    }
}

[Collection(SqliteCollection.Name)]
[Trait("Suite", "Sqlite")]
public sealed class PortalTestsOnSqlite(SqliteAppFixture fixture) : PortalTests(fixture.App);

[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class PortalTestsOnPostgres(PostgresAppFixture fixture) : PortalTests(fixture.App);
