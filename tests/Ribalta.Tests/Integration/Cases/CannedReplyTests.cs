using System.Net;
using System.Net.Http.Json;
using Ribalta.Cases.CannedReplies;
using Ribalta.Tests.Infrastructure;
using Xunit;

namespace Ribalta.Tests.Integration.Cases;

public abstract class CannedReplyTests(RibaltaApp app)
{
    protected RibaltaApp App { get; } = app;

    [Fact]
    public async Task Leads_keep_a_library_per_language_that_agents_read()
    {
        var lead = await App.AsStaff("TeamLead");
        var title = Api.Unique("Saludo");
        var created = await lead.PostAsJsonAsync("/api/v1/canned-replies", new { title, language = "es", body = "Hola, {{customer.first_name}}." });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var reply = (await created.Content.ReadFromJsonAsync<CannedReplyDto>(Api.Json))!;

        var agent = await App.AsFrontline();
        var spanish = (await agent.GetFromJsonAsync<List<CannedReplyDto>>("/api/v1/canned-replies?language=es", Api.Json))!;
        Assert.Contains(spanish, r => r.Id == reply.Id);
        Assert.DoesNotContain((await agent.GetFromJsonAsync<List<CannedReplyDto>>("/api/v1/canned-replies?language=it", Api.Json))!, r => r.Id == reply.Id);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsJsonAsync("/api/v1/canned-replies", new { title = "x", language = "es", body = "y" })).StatusCode);

        var edited = await lead.PutAsJsonAsync($"/api/v1/canned-replies/{reply.Id}", new { title, language = "es", body = "Buenos días, {{customer.name}}." });
        Assert.Equal("Buenos días, {{customer.name}}.", (await edited.Content.ReadFromJsonAsync<CannedReplyDto>(Api.Json))!.Body);

        Assert.Equal(HttpStatusCode.NoContent, (await lead.DeleteAsync($"/api/v1/canned-replies/{reply.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await lead.DeleteAsync($"/api/v1/canned-replies/{reply.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await lead.PutAsJsonAsync($"/api/v1/canned-replies/{reply.Id}", new { title, language = "es", body = "x" })).StatusCode);
    }

    [Fact]
    public async Task Invalid_canned_replies_are_refused()
    {
        var lead = await App.AsStaff("TeamLead");
        var response = await lead.PostAsJsonAsync("/api/v1/canned-replies", new { title = "", language = "xx", body = "" });
        await response.AssertRefusedAsync("title", "required");
        await response.AssertRefusedAsync("language", "\"xx\" is not a supported language");
        await response.AssertRefusedAsync("body", "required");
    }
}

[Collection(SqliteCollection.Name)]
[Trait("Suite", "Sqlite")]
public sealed class CannedReplyTestsOnSqlite(SqliteAppFixture fixture) : CannedReplyTests(fixture.App);

[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class CannedReplyTestsOnPostgres(PostgresAppFixture fixture) : CannedReplyTests(fixture.App);
