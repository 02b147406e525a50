using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Search;
using Ribalta.Platform.Data;
using Ribalta.Platform.Text;
using Ribalta.Tests.Infrastructure;
using Ribalta.Tests.Integration.Channels;
using Xunit;

namespace Ribalta.Tests.Integration.Cases;

/// <summary>
/// PostgreSQL reads the newest matches in two ways: a walk back through the newest messages, then the bucketed GIN index,
/// bucket by bucket, a growing number at a time. Either way must give the same answer: the newest matches, in order,
/// paged without gaps or repeats, across the buckets' edges. 30,000 messages are laid out with ids 20 apart, over seven
/// buckets, so that each query takes a different way.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class PostgresSearchTests(PostgresAppFixture fixture)
{
    private const int Rows = 30_000;
    private const int Stride = 20;

    [Fact]
    public async Task The_newest_matches_come_first_whichever_way_they_are_read()
    {
        var app = fixture.App;
        var agent = await app.AsFrontline();
        var tag = new string(Enumerable.Range(0, 6).Select(_ => "bcdfghjklmnpqrstvwxz"[Random.Shared.Next(20)]).ToArray());
        string alfa = $"alfa{tag}", bravo = $"bravo{tag}", charlie = $"charlie{tag}", delta = $"delta{tag}", xray = $"xray{tag}", yank = $"yank{tag}", rare = $"rare{tag}";

        // Row i: alfa and xray in even rows, bravo and yank in odd ones. Alfa and bravo meet only in the oldest 1,500
        // rows, xray and yank only in 40, the rare word is in three, a longer form of charlie in every 97th row, and
        // delta in every tenth of the newest 100 rows and of the oldest 2,000.
        string Text(int i) => string.Join(' ', new[]
        {
            i % 2 == 0 ? $"{alfa} {xray}" : $"{bravo} {yank}",
            i < 1_500 ? $"{alfa} {bravo}" : "",
            i is >= 100 and < 140 ? $"{xray} {yank}" : "",
            i is 10 or 20 or 30 ? rare : "",
            i % 97 == 0 ? $"{charlie}qq" : "",
            i % 10 == 0 && (i < 2_000 || i >= Rows - 100) ? delta : "",
        }.Where(t => t.Length > 0));
        var texts = Enumerable.Range(0, Rows).Select(Text).ToArray();
        var terms = texts.Distinct().ToDictionary(t => t, t => SearchAnalyzer.DocumentTerms(t, "en"));

        var caseId = (await agent.IngestAsync(new { from = new { email = $"{tag}@example.com" }, body = "Searching far back", language = "en" })).CaseId;
        var first = await app.WithServices(async services =>
        {
            var db = services.GetRequiredService<RibaltaDbContext>();
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            await connection.OpenAsync();

            // The first row a little past the start of a bucket, the ids after everything there is.
            var after = await db.Database.SqlQuery<long>($"SELECT COALESCE(MAX(\"Id\"), 0) AS \"Value\" FROM messages").SingleAsync();
            var start = ((after / PostgresMatches.BucketSize) + 1) * PostgresMatches.BucketSize + 37;
            await using (var insert = new NpgsqlCommand(
                """
                INSERT INTO messages ("Id", "CaseId", "Kind", "Channel", "Language", "AuthorKind", "AuthorName", "Body", "CreatedAt")
                SELECT @start + @stride * (r.n - 1), @case, 'Customer', 'Email', 'en', 2, 'Search test', r.body, now() FROM unnest(@bodies) WITH ORDINALITY AS r(body, n);
                INSERT INTO search_entries ("MessageId", "CaseId", "Terms")
                SELECT @start + @stride * (t.n - 1), @case, t.terms FROM unnest(@terms) WITH ORDINALITY AS t(terms, n);
                SELECT setval(pg_get_serial_sequence('messages', 'Id'), (SELECT MAX("Id") FROM messages));
                """, connection))
            {
                insert.Parameters.AddWithValue("start", start);
                insert.Parameters.AddWithValue("stride", (long)Stride);
                insert.Parameters.AddWithValue("case", caseId);
                insert.Parameters.AddWithValue("bodies", texts);
                insert.Parameters.AddWithValue("terms", texts.Select(t => terms[t]).ToArray());
                insert.CommandTimeout = 120;
                await insert.ExecuteNonQueryAsync();
            }

            return start;
        });
        long Id(int row) => first + (Stride * row);
        IEnumerable<long> Newest(Func<int, bool> rows) => Enumerable.Range(0, Rows).Reverse().Where(rows).Select(Id);

        // A common word: the newest even rows, found walking back.
        Assert.Equal(Newest(i => i % 2 == 0).Take(25), await AllAsync(agent, alfa, limit: 25, pages: 1));

        // Ten matches among the newest, the rest of the page from the oldest bucket.
        Assert.Equal(Newest(i => i % 10 == 0 && (i < 2_000 || i >= Rows - 100)).Take(25), await AllAsync(agent, delta, limit: 25, pages: 1));

        // A rare word: six empty buckets, then the oldest.
        Assert.Equal([Id(30), Id(20), Id(10)], await AllAsync(agent, rare));

        // Common words that meet only 40 times, long ago: two pages.
        Assert.Equal(Enumerable.Range(100, 40).Reverse().Select(Id), await AllAsync(agent, $"{xray} {yank}"));

        // Common words that meet 1,500 times, all long ago, paged.
        Assert.Equal(Enumerable.Range(0, 1_500).Reverse().Take(60).Select(Id), await AllAsync(agent, $"{alfa} {bravo}", limit: 20, pages: 3));

        // A word typed whole finds its longer form as a prefix, in every bucket, every page meeting the next exactly.
        Assert.Equal(Newest(i => i % 97 == 0), await AllAsync(agent, charlie, limit: 40));
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
