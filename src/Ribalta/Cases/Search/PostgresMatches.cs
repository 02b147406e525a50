using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Ribalta.Platform.Data;

namespace Ribalta.Cases.Search;

/// <summary>A word of a query as PostgreSQL matches it: any of its forms (the word as typed, its stems), some as prefixes.</summary>
internal sealed record QueryWord(IReadOnlyList<(string Lexeme, bool Prefix)> Forms)
{
    /// <summary>Forms are letters and digits only (SearchAnalyzer.Words), so they are safe inside the query syntax.</summary>
    public string TsQuery => "(" + string.Join(" | ", Forms.Select(f => f.Lexeme + (f.Prefix ? ":*" : ""))) + ")";
}

/// <summary>
/// The newest messages matching a query on PostgreSQL, newest first, with the work bounded whatever the words. No single
/// plan is cheap for every query: the GIN index finds a rare word's matches at once, but must fetch and sort every match
/// of a common word before it knows the newest (0.4 s for 83,000); walking back from the newest message finds a common
/// word's page in a few thousand rows, but for a rare word it would read the whole table. So:
/// <list type="number">
/// <item>walk back through the newest 5,000, then 50,000 messages (common words end here);</item>
/// <item>when nothing matched and the query looks rare — a word among none of the most common words
/// (<see cref="CommonLexemes"/>), or words that each occur in the messages walked but never together where independent
/// words would have met several times — ask the GIN index for its matches in no order, up to 1,000: fewer means that
/// is all of them, ordered here;</item>
/// <item>otherwise (or if the index had more) walk 200,000 more messages, and read what is left from GIN in order.</item>
/// </list>
/// </summary>
internal sealed class PostgresMatches(RibaltaDbContext db, CommonLexemes common)
{
    /// <summary>
    /// How far back, in steps, the walk goes before GIN. A word that fills no page within the newest 255,000 messages is
    /// rare enough (under about 0.01%) for GIN to be cheap. The last step also bounds a word that is common but absent
    /// lately (a season's word, a burst of other traffic).
    /// </summary>
    private static readonly long[] NewestWindows = [5_000, 50_000, 200_000];

    /// <summary>The most matches the unordered GIN probe reads; more, and the query is not rare after all.</summary>
    private const int ProbeCap = 1_000;

    /// <summary>How often independent words would have met in the messages walked before their absence says they do not meet.</summary>
    private const double ExpectedMeetings = 5;

    public async Task<List<long>> NewestAsync(IReadOnlyList<QueryWord> words, long before, int take, CancellationToken ct)
    {
        var query = string.Join(" & ", words.Select(w => w.TsQuery));
        var newest = await db.Set<SearchEntry>().MaxAsync(e => (long?)e.MessageId, ct) ?? 0;
        var start = Math.Min(before, newest + 1);
        var top = start;
        var ids = new List<long>();
        var probed = false;
        for (var step = 0; step < NewestWindows.Length; step++)
        {
            if (step > 0 && ids.Count == 0 && !probed && await LooksRareAsync(words, start - top, top, start, ct))
            {
                var probe = await ProbeAsync(query, start, ct);
                if (probe.Count <= ProbeCap)
                {
                    return probe.OrderDescending().Take(take).ToList();
                }

                probed = true;
            }

            // The first windows are ranges of ids (about as many messages: ids grow by one a message). The last one is
            // counted in messages, its lowest id read from the primary key alone (5-10 ms): ids leave gaps (messages
            // deleted, merged away, a sequence's jumps), and the last walk before GIN must not be spent on a gap.
            var floor = step < NewestWindows.Length - 1
                ? top - NewestWindows[step]
                : await db.Database
                    .SqlQuery<long>($"SELECT \"MessageId\" AS \"Value\" FROM search_entries WHERE \"MessageId\" < {top} ORDER BY \"MessageId\" DESC OFFSET {NewestWindows[step] - 1} LIMIT 1")
                    .FirstOrDefaultAsync(ct);

            // The match is ts_match_vq, the function behind @@, which no index serves: each row's document is read in
            // place (2.6x faster than defeating the index by concatenating the document).
            ids.AddRange(await db.Database
                .SqlQuery<long>($"SELECT \"MessageId\" AS \"Value\" FROM search_entries WHERE ts_match_vq(\"Document\", to_tsquery('simple', {query})) AND \"MessageId\" < {top} AND \"MessageId\" >= {floor} ORDER BY \"MessageId\" DESC LIMIT {take - ids.Count}")
                .ToListAsync(ct));
            top = floor;
            if (ids.Count >= take)
            {
                return ids;
            }
        }

        // Words this rare have few matches in all: the GIN index finds them and there is little to order.
        ids.AddRange(await db.Database
            .SqlQuery<long>($"SELECT \"MessageId\" AS \"Value\" FROM search_entries WHERE \"Document\" @@ to_tsquery('simple', {query}) AND \"MessageId\" < {top} ORDER BY \"MessageId\" + 0 DESC LIMIT {take - ids.Count}")
            .ToListAsync(ct));
        return ids;
    }

    /// <summary>
    /// Nothing matched in the <paramref name="walked"/> messages walked so far, ids [<paramref name="floor"/>,
    /// <paramref name="top"/>). Rare, when a word is none of the most common; or when the words, each common, should have
    /// met there several times were they independent (or, without statistics, after 50,000 messages), and each does occur
    /// there on its own: they do not meet. Not rare when a common word is absent lately: its posting list is long, and it
    /// may well be in the next window.
    /// </summary>
    private async Task<bool> LooksRareAsync(IReadOnlyList<QueryWord> words, long walked, long floor, long top, CancellationToken ct)
    {
        var lexemes = await common.GetAsync(db, ct);
        if (lexemes.Count > 0 && words.Any(w => lexemes.Frequency(w) == 0))
        {
            return true;
        }

        var expected = lexemes.Count > 0 ? walked * words.Aggregate(1.0, (p, w) => p * lexemes.Frequency(w)) : walked >= 50_000 ? double.MaxValue : 0;
        if (words.Count < 2 || expected < ExpectedMeetings)
        {
            return false;
        }

        // Each word on its own, stopping at its first match (and at the first word absent, as AND stops).
        var args = new List<object> { floor, top };
        var exists = string.Join(" AND ", words.Select(w =>
        {
            args.Add(w.TsQuery);
            return $"EXISTS (SELECT 1 FROM search_entries WHERE \"MessageId\" >= {{0}} AND \"MessageId\" < {{1}} AND ts_match_vq(\"Document\", to_tsquery('simple', {{{args.Count - 1}}})))";
        }));
        return await db.Database.SqlQuery<bool>(FormattableStringFactory.Create($"SELECT ({exists}) AS \"Value\"", [.. args])).SingleAsync(ct);
    }

    /// <summary>
    /// Up to <see cref="ProbeCap"/> + 1 matches below <paramref name="top"/>, in no order, from the GIN index alone: its
    /// cost is reading the words' posting lists, never the whole table (the planner, trusting its guess of many matches,
    /// might otherwise scan the table for them).
    /// </summary>
    private async Task<List<long>> ProbeAsync(string query, long top, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlRawAsync("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off;", ct);
        var ids = await db.Database
            .SqlQuery<long>($"SELECT \"MessageId\" AS \"Value\" FROM search_entries WHERE \"Document\" @@ to_tsquery('simple', {query}) AND \"MessageId\" < {top} LIMIT {ProbeCap + 1}")
            .ToListAsync(ct);
        await transaction.CommitAsync(ct);
        return ids;
    }
}

/// <summary>
/// The most common lexemes of the search index and the share of messages each is in, from PostgreSQL's own statistics
/// (<c>pg_stats.most_common_elems</c>, gathered by ANALYZE and autovacuum). A lexeme not among them is in fewer
/// messages than the least frequent of the list (on the reference dataset 1.1%). Read again every ten minutes.
/// </summary>
internal sealed class CommonLexemes(TimeProvider clock)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private volatile Snapshot? _cached;

    public async Task<Lexemes> GetAsync(RibaltaDbContext db, CancellationToken ct)
    {
        if (_cached is { } cached && clock.GetUtcNow() - cached.ReadAt < Lifetime)
        {
            return cached.Lexemes;
        }

        // The frequencies array ends with three more values (the lowest, the highest, the share of nulls).
        var rows = await db.Database.SqlQueryRaw<LexemeFrequency>(
                """
                SELECT x."Lexeme", x."Frequency" FROM pg_stats s,
                    unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS x("Lexeme", "Frequency")
                WHERE s.schemaname = current_schema() AND s.tablename = 'search_entries' AND s.attname = 'Document' AND x."Lexeme" IS NOT NULL
                """)
            .ToListAsync(ct);
        var lexemes = new Lexemes(rows);
        _cached = new Snapshot(lexemes, clock.GetUtcNow());
        return lexemes;
    }

    /// <summary>The next search reads the statistics again (after an ANALYZE that changed them).</summary>
    public void Forget() => _cached = null;

    private sealed record Snapshot(Lexemes Lexemes, DateTimeOffset ReadAt);

    internal sealed class LexemeFrequency
    {
        public string Lexeme { get; init; } = "";

        public float Frequency { get; init; }
    }

    /// <summary>An empty list (no statistics yet: a new or small database) calls nothing rare.</summary>
    internal sealed class Lexemes(IEnumerable<LexemeFrequency> lexemes)
    {
        private readonly Dictionary<string, float> _all = lexemes.ToDictionary(l => l.Lexeme, l => l.Frequency, StringComparer.Ordinal);

        public int Count => _all.Count;

        /// <summary>
        /// About the share of messages that hold the word: its most frequent form (forms mostly come together: a word and
        /// its stem), a prefix counted as the most frequent lexeme it begins; 0 when no form is a common lexeme.
        /// </summary>
        public double Frequency(QueryWord word) => word.Forms.Max(f => f.Prefix
            ? _all.Where(l => l.Key.StartsWith(f.Lexeme, StringComparison.Ordinal)).Select(l => (double)l.Value).DefaultIfEmpty(0).Max()
            : _all.TryGetValue(f.Lexeme, out var share) ? share : 0);
    }
}
