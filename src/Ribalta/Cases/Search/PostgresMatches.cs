using Microsoft.EntityFrameworkCore;
using Ribalta.Platform.Data;

namespace Ribalta.Cases.Search;

/// <summary>A word of a query as PostgreSQL matches it: any of its forms (the word as typed, its stems), some as prefixes.</summary>
internal sealed record QueryWord(IReadOnlyList<(string Lexeme, bool Prefix)> Forms)
{
    /// <summary>The word in <c>tsquery</c> syntax, each form as written (forms are already folded and analysed).</summary>
    public string TsQuery => Any(Forms.Select(f => Quote(f.Lexeme, f.Prefix)));

    /// <summary>
    /// The word in the bucketed index, each form prefixed with <c>#~</c>: the query replaces <c>#</c> with a bucket's
    /// number, as <c>search_bucketed</c> writes it (<c>52~refund</c>).
    /// </summary>
    public string InBucket => Any(Forms.Select(f => Quote($"#~{f.Lexeme}", f.Prefix)));

    private static string Any(IEnumerable<string> lexemes) => "(" + string.Join(" | ", lexemes) + ")";

    /// <summary>
    /// A lexeme quoted for <c>tsquery</c> input, which takes it as written. Forms are letters and digits only
    /// (SearchAnalyzer.Words); quotes and backslashes are escaped all the same.
    /// </summary>
    private static string Quote(string lexeme, bool prefix) =>
        "'" + lexeme.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal) + "'" + (prefix ? ":*" : "");
}

/// <summary>
/// The newest messages matching a query on PostgreSQL, newest first, with the work bounded by the matches read, whatever
/// the words. A GIN index knows which rows hold a word, not which are the newest: ordered by id, each of a common word's
/// matches must be fetched and sorted (0.5 s for 83,000). So the index holds each lexeme once per bucket of 100,000
/// message ids, as <c>52~refund</c> (<c>search_bucketed</c>, migration <c>SearchBuckets</c>), and a search:
/// <list type="number">
/// <item>walks back through the newest 5,000 messages, matching each in place (a common word ends here);</item>
/// <item>then asks the index for the words bucket by bucket, newest first, in one statement that stops as soon as the
/// page is full: a bucket costs its own posting lists and matches, one without the words a few key lookups.</item>
/// </list>
/// Asking for several buckets at once costs more, not less: every candidate row is tested against every bucket's forms.
/// </summary>
internal sealed class PostgresMatches(RibaltaDbContext db)
{
    /// <summary>Message ids a bucket of the index spans: the 100000 in <c>search_bucketed</c>.</summary>
    public const long BucketSize = 100_000;

    /// <summary>How far back, in message ids, the first walk goes: common words fill a page here in a few milliseconds.</summary>
    private const long NewestWindow = 5_000;

    public async Task<List<long>> NewestAsync(IReadOnlyList<QueryWord> words, long before, int take, CancellationToken ct)
    {
        var newest = await db.Set<SearchEntry>().MaxAsync(e => (long?)e.MessageId, ct) ?? 0;
        var top = Math.Min(before, newest + 1);
        var floor = Math.Max(0, top - NewestWindow);

        // The match is ts_match_vq, the function behind @@, which no index serves: each row's document is read in
        // place, walking the primary key back from the newest.
        var plain = string.Join(" & ", words.Select(w => w.TsQuery));
        var ids = await db.Database
            .SqlQuery<long>($"SELECT \"MessageId\" AS \"Value\" FROM search_entries WHERE ts_match_vq(\"Document\", CAST({plain} AS tsquery)) AND \"MessageId\" < {top} AND \"MessageId\" >= {floor} ORDER BY \"MessageId\" DESC LIMIT {take}")
            .ToListAsync(ct);
        top = floor;
        if (ids.Count >= take || top <= 1)
        {
            return ids;
        }

        // Each bucket's matches in order, the buckets newest first: a nested loop over the buckets, stopped by the
        // outer limit. The index is read as a bitmap: a planner guessing many matches might otherwise walk the primary
        // key and compute each row's bucketed document, or compile the query (JIT) for 100 ms.
        var template = string.Join(" & ", words.Select(w => w.InBucket));
        var need = take - ids.Count;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlRawAsync(
            "SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off; SET LOCAL jit = off; SET LOCAL max_parallel_workers_per_gather = 0;", ct);
        ids.AddRange(await db.Database
            .SqlQuery<long>(
                $"""
                SELECT x."MessageId" AS "Value"
                FROM generate_series(CAST({(top - 1) / BucketSize} AS bigint), 0, -1) AS b,
                LATERAL (SELECT "MessageId" FROM search_entries
                         WHERE search_bucketed("Document", "MessageId") @@ CAST(replace({template}, '#', b::text) AS tsquery) AND "MessageId" < {top}
                         ORDER BY "MessageId" DESC LIMIT {need}) AS x
                LIMIT {need}
                """)
            .ToListAsync(ct));
        await transaction.CommitAsync(ct);
        return ids;
    }
}
