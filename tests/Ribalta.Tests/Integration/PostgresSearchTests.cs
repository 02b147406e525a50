using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Ingest;
using Ribalta.Cases.Search;
using Ribalta.Platform.Data;
using Ribalta.Platform.Text;
using Ribalta.Tests.Infrastructure;
using Xunit;

namespace Ribalta.Tests.Integration;

/// <summary>
/// PostgreSQL reads the newest matches in several ways (a walk back from the newest message, an unordered probe of the
/// GIN index, GIN in order), chosen by how rare the words look. Each way must give the same answer: the newest matches,
/// in order, paged without gaps. 60,000 messages are laid out so that each query takes a different way.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class PostgresSearchTests(PostgresAppFixture fixture)
{
    private const int Rows = 60_000;

    [Fact]
    public async Task The_newest_matches_come_first_whichever_way_they_are_read()
    {
        var app = fixture.App;
        var agent = await app.AsFrontline();
        var tag = new string(Enumerable.Range(0, 6).Select(_ => "bcdfghjklmnpqrstvwxz"[Random.Shared.Next(20)]).ToArray());
        string alfa = $"alfa{tag}", bravo = $"bravo{tag}", xray = $"xray{tag}", yank = $"yank{tag}", rare = $"rare{tag}";

        // Row i: alfa and xray in even rows, bravo and yank in odd ones. Alfa and bravo meet only in the oldest 1,500
        // rows (more than the probe reads), xray and yank only in 40 (fewer), and the rare word is in three.
        string Text(int i) => string.Join(' ', new[]
        {
            i % 2 == 0 ? $"{alfa} {xray}" : $"{bravo} {yank}",
            i < 1_500 ? $"{alfa} {bravo}" : "",
            i is >= 100 and < 140 ? $"{xray} {yank}" : "",
            i is 10 or 20 or 30 ? rare : "",
        }.Where(t => t.Length > 0));
        var texts = Enumerable.Range(0, Rows).Select(Text).ToArray();
        var terms = texts.Distinct().ToDictionary(t => t, t => SearchAnalyzer.DocumentTerms(t, "en"));

        var opened = await agent.PostAsJsonAsync("/api/v1/messages", new { from = new { email = $"{tag}@example.com" }, body = "Searching far back", language = "en" }, Api.Json);
        var caseId = (await opened.Content.ReadFromJsonAsync<IngestResult>(Api.Json))!.CaseId;
        var first = await app.WithServices(async services =>
        {
            var db = services.GetRequiredService<RibaltaDbContext>();
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            await connection.OpenAsync();
            var after = await db.Database.SqlQuery<long>($"SELECT COALESCE(MAX(\"Id\"), 0) AS \"Value\" FROM messages").SingleAsync();
            await using (var insert = new NpgsqlCommand(
                """
                INSERT INTO messages ("CaseId", "Kind", "Channel", "Language", "AuthorKind", "AuthorName", "Body", "CreatedAt")
                SELECT @case, 'Customer', 'Email', 'en', 2, 'Search test', r.body, now() FROM unnest(@bodies) WITH ORDINALITY AS r(body, n) ORDER BY r.n;
                INSERT INTO search_entries ("MessageId", "CaseId", "Terms")
                SELECT m."Id", @case, t.terms
                FROM (SELECT "Id", row_number() OVER (ORDER BY "Id") AS n FROM messages WHERE "CaseId" = @case AND "Id" > @after) m
                JOIN unnest(@terms) WITH ORDINALITY AS t(terms, n) ON t.n = m.n;
                ANALYZE search_entries;
                """, connection))
            {
                insert.Parameters.AddWithValue("case", caseId);
                insert.Parameters.AddWithValue("after", after);
                insert.Parameters.AddWithValue("bodies", texts);
                insert.Parameters.AddWithValue("terms", texts.Select(t => terms[t]).ToArray());
                insert.CommandTimeout = 120;
                await insert.ExecuteNonQueryAsync();
            }

            services.GetRequiredService<CommonLexemes>().Forget();
            return await db.Database.SqlQuery<long>($"SELECT MIN(\"Id\") AS \"Value\" FROM messages WHERE \"CaseId\" = {caseId} AND \"Id\" > {after}").SingleAsync();
        });
        long Id(int row) => first + row;

        // A common word: the newest even rows, found walking back.
        Assert.Equal(Enumerable.Range(0, 25).Select(k => Id(Rows - 2 - (2 * k))), await AllAsync(agent, alfa, limit: 25, pages: 1));

        // A rare word (not among the common lexemes): from the GIN index, ordered here.
        Assert.Equal([Id(30), Id(20), Id(10)], await AllAsync(agent, rare));

        // Common words that never meet lately, and meet only 40 times: the unordered probe has them all.
        Assert.Equal(Enumerable.Range(100, 40).Reverse().Select(Id), await AllAsync(agent, $"{xray} {yank}"));

        // Common words that meet 1,500 times, all long ago: more than the probe reads, so the walk goes on.
        Assert.Equal(Enumerable.Range(0, 1_500).Reverse().Take(60).Select(Id), await AllAsync(agent, $"{alfa} {bravo}", limit: 20, pages: 3));
    }

    /// <summary>The ids of up to <paramref name="pages"/> pages of results, following <c>next</c>.</summary>
    private static async Task<List<long>> AllAsync(HttpClient client, string q, int limit = 25, int pages = 10)
    {
        var ids = new List<long>();
        long? before = null;
        for (var page = 0; page < pages; page++)
        {
            var results = (await client.GetFromJsonAsync<SearchResults>($"/api/v1/search?q={Uri.EscapeDataString(q)}&limit={limit}{(before is null ? "" : $"&before={before}")}", Api.Json))!;
            ids.AddRange(results.Messages.Select(m => m.MessageId));
            before = results.Next;
            if (before is null)
            {
                break;
            }
        }

        return ids;
    }
}
