using System.Net;
using System.Net.Http.Json;
using System.Text;
using Ribalta.Cases.Contracts;
using Ribalta.Channels.Social;
using Ribalta.Tests.Infrastructure;
using Ribalta.Tests.Integration.Platform;
using Xunit;

namespace Ribalta.Tests.Integration.Channels;

/// <summary>Public mentions reach the front line as social messages from their authors, once, by file or by a listening tool.</summary>
public abstract class SocialMentionTests(RibaltaApp app)
{
    protected RibaltaApp App { get; } = app;

    private static async Task<SocialImportReport> ReadAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<SocialImportReport>(Api.Json))!;
    }

    [Fact]
    public async Task A_listening_tool_delivers_mentions_that_open_cases_once_from_their_authors()
    {
        var admin = await App.AsAdmin();
        var tool = App.WithApiKey((await admin.CreateApiKeyAsync("Listening tool", ["write"])).Key);

        var tag = Guid.NewGuid().ToString("N")[..8];
        var mentions = new
        {
            mentions = new object[]
            {
                new { id = $"{tag}-1", network = "X", handle = $"@giulia{tag}", name = "Giulia", text = "Ordine arrivato rotto e nessuno risponde alle mail, pessimo servizio", url = $"https://x.example/giulia/{tag}" },
                new { id = $"{tag}-2", network = "Instagram", handle = $"@pablo{tag}", text = "Me encanta la tienda nueva pero el pedido tarda muchísimo en llegar" },
            },
        };
        var first = await ReadAsync(await tool.PostAsJsonAsync("/api/v1/social/mentions", mentions, Api.Json));
        Assert.Equal((2, 2, 0), (first.Mentions, first.Imported, first.AlreadyImported));

        var giulia = (await admin.GetFromJsonAsync<CaseDetails>($"/api/v1/cases/{first.Outcomes[0].CaseId}", Api.Json))!;
        Assert.Equal(Channel.Social, giulia.Channel);
        Assert.Equal("it", giulia.Language);
        Assert.Equal("Giulia", giulia.CustomerName);
        var body = (await admin.GetFromJsonAsync<MessagePage>($"/api/v1/cases/{giulia.Id}/messages", Api.Json))!.Items.Single().Body;
        Assert.EndsWith($"https://x.example/giulia/{tag}", body);
        Assert.Equal("es", (await admin.GetFromJsonAsync<CaseDetails>($"/api/v1/cases/{first.Outcomes[1].CaseId}", Api.Json))!.Language);

        // The same posts again, now from a file a person uploads: recognised, nothing written twice.
        var csv = $"id;network;handle;text\n{tag}-1;x;@giulia{tag};Ordine arrivato rotto e nessuno risponde alle mail, pessimo servizio\n{tag}-3;x;@giulia{tag};Ancora nessuna risposta dopo tre giorni\n";
        var again = await ReadAsync(await admin.PostAsync("/api/v1/social/mentions", new StringContent(csv, Encoding.UTF8, "text/csv")));
        Assert.Equal((2, 1, 1), (again.Mentions, again.Imported, again.AlreadyImported));
        Assert.Equal(first.Outcomes[0].CaseId, again.Outcomes[0].CaseId);
        Assert.True(again.Outcomes[0].AlreadyImported);

        // Giulia's second post is hers: the same person, a new case.
        var second = (await admin.GetFromJsonAsync<CaseDetails>($"/api/v1/cases/{again.Outcomes[1].CaseId}", Api.Json))!;
        Assert.Equal(giulia.CustomerId, second.CustomerId);
        Assert.NotEqual(giulia.Id, second.Id);
    }

    [Fact]
    public async Task A_malformed_mention_or_file_refuses_everything_with_the_reason()
    {
        var lead = await App.AsStaff("TeamLead");
        var tag = Guid.NewGuid().ToString("N")[..8];
        var refused = await lead.PostAsJsonAsync("/api/v1/social/mentions", new
        {
            mentions = new object[]
            {
                new { id = $"{tag}-ok", handle = $"@ok{tag}", text = "Fine" },
                new { id = $"{tag}-bad", handle = $"@bad{tag}", text = "  ", url = "javascript:alert(1)" },
            },
        }, Api.Json);
        await refused.AssertRefusedAsync("mentions[1].text");
        await refused.AssertRefusedAsync("mentions[1].url");
        Assert.Null((await lead.SearchCustomersAsync($"@ok{tag}")).Items.FirstOrDefault());

        var nulls = await lead.PostAsync("/api/v1/social/mentions", new StringContent("{\"mentions\": [null]}", Encoding.UTF8, "application/json"));
        await nulls.AssertRefusedAsync("mentions[0]");
        var longId = await lead.PostAsJsonAsync("/api/v1/social/mentions", new { mentions = new[] { new { id = new string('9', 150), network = new string('n', 50), handle = "@long", text = "A mention with a very long id" } } }, Api.Json);
        await longId.AssertRefusedAsync("mentions[0].id");

        async Task FileRefusedAsync(string content, string mediaType, string field, string reason)
        {
            var response = await lead.PostAsync("/api/v1/social/mentions", new StringContent(content, Encoding.UTF8, mediaType));
            Assert.Contains(reason, (await response.AssertRefusedAsync(field))[0].GetString());
        }

        await FileRefusedAsync("name,text\nAna,Hello there", "text/csv", "file", "id, handle and text");
        await FileRefusedAsync("{\"mentions\": [ {\"id\": ", "application/json", "file", "not valid JSON or CSV");
        await FileRefusedAsync("", "application/json", "file", "empty");
        await FileRefusedAsync("{\"mentions\": []}", "application/json", "mentions", "between 1 and 5000");
    }
}

[Collection(SqliteCollection.Name)]
[Trait("Suite", "Sqlite")]
public sealed class SocialMentionTestsOnSqlite(SqliteAppFixture fixture) : SocialMentionTests(fixture.App);

[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class SocialMentionTestsOnPostgres(PostgresAppFixture fixture) : SocialMentionTests(fixture.App);
