using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Domain;
using Ribalta.Customers.Contracts;
using Ribalta.Platform.Data;
using Ribalta.Platform.Localization;
using Ribalta.Platform.Text;

namespace Ribalta.Cases.Search;

/// <summary>A message that matched, with an HTML-safe excerpt in which the matching words are in &lt;mark&gt;.</summary>
public sealed record SearchHit(long CaseId, long MessageId, string Subject, CaseStatus Status, Guid CustomerId, string CustomerName, MessageKind Kind, string? Language, string SnippetHtml, DateTimeOffset CreatedAt);

public sealed record SearchResults(IReadOnlyList<CustomerSummary> Customers, IReadOnlyList<SearchHit> Messages, long? Next);

/// <summary>
/// Full-text search over every message and case subject, newest first, in any of the four languages:
/// FTS5 on SQLite, a GIN-indexed tsvector on PostgreSQL, the same analysed terms in both.
/// </summary>
internal sealed class MessageSearch(RibaltaDbContext db, ICustomerDirectory customers, PostgresMatches postgres)
{
    public const int MaxLimit = 100;
    private const int SnippetLength = 220;

    public async Task<SearchResults> SearchAsync(string? text, long? before, int limit, CancellationToken ct)
    {
        limit = Math.Clamp(limit, 1, MaxLimit);
        var terms = SearchAnalyzer.QueryTerms(text);
        if (terms.Count == 0)
        {
            return new SearchResults([], [], null);
        }

        var ids = await MatchingMessageIdsAsync(terms, before ?? long.MaxValue, limit + 1, ct);
        var page = ids.Take(limit).ToList();
        var rows = await db.Set<Message>().AsNoTracking()
            .Where(m => page.Contains(m.Id))
            .Join(db.Set<Case>(), m => m.CaseId, c => c.Id, (m, c) => new { m.Id, m.CaseId, c.Subject, c.Status, c.CustomerId, m.Kind, m.Language, m.Body, m.CreatedAt })
            .ToListAsync(ct);
        var names = await customers.NamesAsync(rows.Select(r => r.CustomerId).ToList(), ct);
        var hits = rows
            .OrderByDescending(r => r.Id)
            .Select(r => new SearchHit(r.CaseId, r.Id, r.Subject, r.Status, r.CustomerId, names.GetValueOrDefault(r.CustomerId, ""), r.Kind, r.Language, Snippet(r.Body, terms), r.CreatedAt))
            .ToList();

        var people = before is null ? await customers.FindByTextAsync(text!, 5, ct) : [];
        return new SearchResults(people, hits, ids.Count > limit ? page[^1] : null);
    }

    /// <summary>
    /// A query of one word is also matched as a prefix (a fragment of a name, an order number), once it has three
    /// letters: shorter prefixes match half the index. Several words are taken as written; prefixes there made the
    /// engines intersect huge lists for queries that match nothing.
    /// </summary>
    private const int MinPrefix = 3;

    private async Task<List<long>> MatchingMessageIdsAsync(IReadOnlyList<IReadOnlyList<string>> terms, long before, int take, CancellationToken ct)
    {
        if (db.Database.IsSqlite())
        {
            var match = SqliteMatch(terms);
            return await db.Database
                .SqlQuery<long>($"SELECT rowid AS \"Value\" FROM search_fts WHERE search_fts MATCH {match} AND rowid < {before} ORDER BY rowid DESC LIMIT {take}")
                .ToListAsync(ct);
        }

        return await postgres.NewestAsync(PostgresWords(terms), before, take, ct);
    }

    // Terms are letters and digits only (SearchAnalyzer.Words), so they are safe inside either query syntax; the
    // expression itself is still passed as a parameter. Only a single word as typed (alternative 0) may be a prefix: a
    // prefix on stems ("paqu*") merges huge posting lists for nothing the stems do not already find.
    private static bool Prefix(IReadOnlyList<IReadOnlyList<string>> all, int word, int alternative) =>
        all.Count == 1 && alternative == 0 && all[word][0].Length >= MinPrefix;

    /// <summary>The FTS5 MATCH expression for the query's words: each word any of its forms, all the words.</summary>
    internal static string SqliteMatch(IReadOnlyList<IReadOnlyList<string>> terms) =>
        string.Join(" AND ", terms.Select((alternatives, i) =>
            "(" + string.Join(" OR ", alternatives.Select((t, k) => $"\"{t}\"" + (Prefix(terms, i, k) ? "*" : ""))) + ")"));

    /// <summary>The query's words as PostgresMatches reads them.</summary>
    internal static IReadOnlyList<QueryWord> PostgresWords(IReadOnlyList<IReadOnlyList<string>> terms) =>
        terms.Select((alternatives, i) => new QueryWord(alternatives.Select((t, k) => (t, Prefix(terms, i, k))).ToList())).ToList();

    /// <summary>
    /// An excerpt around the first matching word, HTML-encoded, with every matching word marked. Only the words up to
    /// the excerpt's end are looked at, and each distinct word once: stemming a word in four languages costs a
    /// microsecond, and a page of results holds thousands of words.
    /// </summary>
    internal static string Snippet(string body, IReadOnlyList<IReadOnlyList<string>> terms)
    {
        var exact = terms.SelectMany(t => t).ToHashSet(StringComparer.Ordinal);
        var prefixes = terms.Count > 0 ? terms[^1] : [];
        var known = new Dictionary<string, bool>(StringComparer.Ordinal);
        bool Matches(int start, int length)
        {
            var word = body.Substring(start, length);
            if (!known.TryGetValue(word, out var hit))
            {
                var forms = SearchAnalyzer.Forms(word);
                hit = forms.Any(exact.Contains) || (forms.Count > 0 && prefixes.Any(p => forms[0].StartsWith(p, StringComparison.Ordinal)));
                known[word] = hit;
            }

            return hit;
        }

        var first = WordSpans(body, 0).Where(w => Matches(w.Start, w.Length)).Select(w => w.Start).DefaultIfEmpty(0).First();
        var from = Math.Max(0, first - (SnippetLength / 3));
        while (from > 0 && !char.IsWhiteSpace(body[from - 1]))
        {
            from--;
        }

        // The excerpt ends at the end of a word: back to the last space within its final fifth, else on to the next one.
        var to = Math.Min(body.Length, from + SnippetLength);
        if (to < body.Length && !char.IsWhiteSpace(body[to]))
        {
            var space = body.LastIndexOf(' ', to - 1, SnippetLength / 5);
            if (space > from)
            {
                to = space;
            }
            else
            {
                while (to < body.Length && !char.IsWhiteSpace(body[to]))
                {
                    to++;
                }
            }
        }

        to = from + body.AsSpan(from, to - from).TrimEnd().Length;
        var html = new StringBuilder();
        if (from > 0)
        {
            html.Append('…');
        }

        var position = from;
        foreach (var word in WordSpans(body, from).TakeWhile(w => w.Start + w.Length <= to).Where(w => Matches(w.Start, w.Length)))
        {
            html.Append(Html(body[position..word.Start]));
            html.Append("<mark>").Append(Html(body.Substring(word.Start, word.Length))).Append("</mark>");
            position = word.Start + word.Length;
        }

        html.Append(Html(body[position..to]));
        if (to < body.Length)
        {
            html.Append('…');
        }

        return html.ToString();
    }

    /// <summary>
    /// Encodes only what HTML needs (&amp; &lt; &gt; and quotes): accented letters stay letters, as Arabic does, rather
    /// than becoming numeric entities that make excerpts three times longer and hard to read in an API answer.
    /// </summary>
    internal static string Html(string text)
    {
        if (text.AsSpan().IndexOfAny("&<>\"'") < 0)
        {
            return text;
        }

        var encoded = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            _ = c switch
            {
                '&' => encoded.Append("&amp;"),
                '<' => encoded.Append("&lt;"),
                '>' => encoded.Append("&gt;"),
                '"' => encoded.Append("&quot;"),
                '\'' => encoded.Append("&#39;"),
                _ => encoded.Append(c),
            };
        }

        return encoded.ToString();
    }

    /// <summary>The words of a text from <paramref name="from"/> on (letters, digits and the marks on them), in order.</summary>
    private static IEnumerable<(int Start, int Length)> WordSpans(string text, int from)
    {
        var start = -1;
        for (var i = from; i <= text.Length; i++)
        {
            var isWord = i < text.Length && (char.IsLetterOrDigit(text[i]) || CharUnicodeInfo.GetUnicodeCategory(text[i]) is UnicodeCategory.NonSpacingMark);
            if (isWord && start < 0)
            {
                start = i;
            }
            else if (!isWord && start >= 0)
            {
                yield return (start, i - start);
                start = -1;
            }
        }
    }
}
