using System.Net;
using System.Net.Http.Json;
using Ribalta.Cases.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Ribalta.Cases;
using Ribalta.Cases.Search;
using Ribalta.Tests.Infrastructure;
using Xunit;

namespace Ribalta.Tests.Integration.Cases;

public abstract class SearchTests(RibaltaApp app)
{
    protected RibaltaApp App { get; } = app;

    private async Task<(HttpClient Agent, long CaseId)> CaseAsync(string language, string subject, string body)
    {
        var agent = await App.AsFrontline();
        var customer = await agent.CreateCustomerAsync(new { displayName = "Search Person", preferredLanguage = language });
        return (agent, (await agent.OpenCaseAsync(new { customerId = customer.Id, subject, body, channel = "Email" })).Id);
    }

    private static async Task<SearchResults> SearchAsync(HttpClient client, string q, long? before = null, int limit = 25) =>
        (await client.GetFromJsonAsync<SearchResults>($"/api/v1/search?q={Uri.EscapeDataString(q)}&limit={limit}{(before is null ? "" : $"&before={before}")}", Api.Json))!;

    [Theory]
    [InlineData("it", "Rimborso non arrivato", "Perché i rimborsi promessi non sono ancora arrivati?", "perche rimborso")]
    [InlineData("es", "Facturas duplicadas", "Me llegaron dos facturas por el mismo pedido de la tienda.", "factura tienda")]
    [InlineData("en", "Refund question", "You refunded the wrong card last week.", "refund wrong")]
    [InlineData("ar", "سؤال عن الفاتورة", "وصلتني الفاتورة مرتين هذا الشهر.", "فاتورة")]
    [InlineData("ar", "طلب متأخر", "لم يصل الطَّلَبُ حتى الآن.", "الطلب")]
    public async Task Messages_are_found_in_their_language_ignoring_accents_and_word_endings(string language, string subject, string body, string query)
    {
        var tag = Api.Unique("s");
        var (agent, caseId) = await CaseAsync(language, $"{subject} {tag}", body);
        var results = await SearchAsync(agent, $"{query} {tag}");
        var hit = Assert.Single(results.Messages);
        Assert.Equal(caseId, hit.CaseId);
        Assert.Contains("<mark>", hit.SnippetHtml, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("es", "Problema de entrega", "Tenemos un problema con las organizaciones que gestionan la entrega.", "organización problema")]
    [InlineData("ar", "مساعدة", "أنا بحاجة إلى مساعدة عاجلة مع مسئول الحساب.", "حاجة مسؤول")]
    public async Task Inflected_accented_and_prefixed_words_are_found_through_the_http_search(string language, string subject, string body, string query)
    {
        var tag = Api.Unique("i");
        var (agent, caseId) = await CaseAsync(language, $"{subject} {tag}", body);
        Assert.Equal(caseId, Assert.Single((await SearchAsync(agent, $"{query} {tag}")).Messages).CaseId);
    }

    [Fact]
    public async Task Reindexing_analyses_every_message_again_with_the_current_analyzer()
    {
        var tag = Api.Unique("r");
        var (agent, caseId) = await CaseAsync("it", $"Spedizione {tag}", "Le spedizioni di ottobre sono arrivate rotte.");

        // As an older analysis would have left it: only the subject's tag, none of the words.
        await App.WithServices(async services =>
        {
            var db = services.GetRequiredService<Ribalta.Platform.Data.RibaltaDbContext>();
            var messageId = await db.Set<Ribalta.Cases.Domain.Message>().Where(m => m.CaseId == caseId).Select(m => m.Id).SingleAsync();
            return await db.Set<SearchEntry>().Where(e => e.MessageId == messageId).ExecuteUpdateAsync(u => u.SetProperty(e => e.Terms, tag));
        });
        Assert.Empty((await SearchAsync(agent, $"spedizione {tag}")).Messages);

        var console = new StringWriter();
        await App.Services.ReindexSearchAsync(console);

        Assert.Equal(caseId, Assert.Single((await SearchAsync(agent, $"spedizione {tag}")).Messages).CaseId);
        Assert.Equal(caseId, Assert.Single((await SearchAsync(agent, $"rotta {tag}")).Messages).CaseId);
        Assert.Contains("analysed again", console.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Subjects_notes_and_prefixes_match_and_html_is_never_passed_through()
    {
        var tag = Api.Unique("n");
        var (agent, caseId) = await CaseAsync("en", $"Broken kettle {tag}", "The <script>alert(1)</script> kettle stopped working.");
        await agent.PostAsJsonAsync($"/api/v1/cases/{caseId}/notes", new { body = $"Warehouse confirms batch {tag}zeta is faulty" });

        var bySubject = await SearchAsync(agent, $"kettle {tag}");
        var first = Assert.Single(bySubject.Messages);
        Assert.DoesNotContain("<script>", first.SnippetHtml, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", first.SnippetHtml, StringComparison.Ordinal);

        var note = Assert.Single((await SearchAsync(agent, $"{tag}ze")).Messages);
        Assert.Equal(MessageKind.InternalNote, note.Kind);
    }

    [Theory]
    [InlineData("1e5c7a90")]
    [InlineData("12e4b")]
    [InlineData("0x1fz")]
    public async Task Codes_that_look_like_numbers_are_found_whole(string code)
    {
        // PostgreSQL's own parser reads '1e5c7a90' as the number 1e5 and the word c7a90; the terms are indexed as written.
        var tag = Api.Unique("c");
        var (agent, caseId) = await CaseAsync("en", $"Order reference {tag}", $"My order {code} never arrived.");

        var hit = Assert.Single((await SearchAsync(agent, $"{code} {tag}")).Messages);
        Assert.Equal(caseId, hit.CaseId);
        Assert.Contains($"<mark>{code}</mark>", hit.SnippetHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Results_page_newest_first_without_repeats()
    {
        var tag = Api.Unique("p");
        var (agent, caseId) = await CaseAsync("en", $"Paging {tag}", $"first {tag}");
        for (var i = 0; i < 4; i++)
        {
            await agent.PostAsJsonAsync($"/api/v1/cases/{caseId}/notes", new { body = $"note {i} {tag}" });
        }

        var seen = new List<long>();
        long? before = null;
        do
        {
            var page = await SearchAsync(agent, tag, before, limit: 2);
            seen.AddRange(page.Messages.Select(m => m.MessageId));
            before = page.Next;
        }
        while (before is not null);

        Assert.Equal(5, seen.Count);
        Assert.Equal(seen.OrderDescending(), seen);
    }

    [Fact]
    public async Task Empty_or_punctuation_only_queries_find_nothing_and_fail_nothing()
    {
        var agent = await App.AsFrontline();
        foreach (var q in new[] { "", "   ", "\"*()", "OR AND NOT", "'; DROP TABLE messages; --" })
        {
            var response = await agent.GetAsync($"/api/v1/search?q={Uri.EscapeDataString(q)}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }
}

[Collection(SqliteCollection.Name)]
[Trait("Suite", "Sqlite")]
public sealed class SearchTestsOnSqlite(SqliteAppFixture fixture) : SearchTests(fixture.App);

[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class SearchTestsOnPostgres(PostgresAppFixture fixture) : SearchTests(fixture.App);
