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
/// message ids, as <c>52~refund</c> (<c>search_bucketed</c>, migration <c>SearchBuckets</c>), and the SQL function
/// <c>search_newest</c> (migration <c>SearchInOneCall</c>), in one round trip:
/// <list type="number">
/// <item>walks back through the newest 5,000 messages, matching each in place (a common word ends here);</item>
/// <item>then asks the index for the words bucket by bucket, newest first, in one statement that stops as soon as the
/// page is full: a bucket costs its own posting lists and matches, one without the words a few key lookups. The index
/// is read as a bitmap, with the JIT off: a planner guessing many matches might otherwise walk the primary key and
/// compute each row's bucketed document, or compile the query for 100 ms.</item>
/// </list>
/// Asking for several buckets at once costs more, not less: every candidate row is tested against every bucket's forms.
/// </summary>
internal sealed class PostgresMatches(RibaltaDbContext db)
{
    /// <summary>Message ids a bucket of the index spans: the 100000 in <c>search_bucketed</c> and <c>search_newest</c>.</summary>
    public const long BucketSize = 100_000;

    /// <summary>How far back, in message ids, the first walk goes: common words fill a page here in a few milliseconds.</summary>
    internal const long NewestWindow = 5_000;

    public async Task<List<long>> NewestAsync(IReadOnlyList<QueryWord> words, long before, int take, CancellationToken ct)
    {
        var (plain, template) = Queries(words);
        return await db.Database
            .SqlQuery<long>($"SELECT id AS \"Value\" FROM search_newest(CAST({plain} AS tsquery), {template}, {before}, {take}, {NewestWindow}) AS id ORDER BY id DESC")
            .ToListAsync(ct);
    }

    /// <summary>
    /// The query for the first walk, matched with ts_match_vq (the function behind @@, which no index serves), and the
    /// one for the buckets, # standing for a bucket's number.
    /// </summary>
    internal static (string Plain, string Template) Queries(IReadOnlyList<QueryWord> words) =>
        (string.Join(" & ", words.Select(w => w.TsQuery)), string.Join(" & ", words.Select(w => w.InBucket)));
}
