using System.Globalization;
using System.Text;
using Ribalta.Cases.Search;
using Ribalta.Platform.Text;
using Xunit;
using Xunit.Abstractions;

namespace Ribalta.Tests.Language;

/// <summary>
/// Recall of message search on Ribalta's own query–message pairs (<c>search-pairs.tsv</c>, described in the README
/// beside it), per language and kind of variation, and how often a query finds a message it should not. Matching is
/// simulated in memory with the product's own pieces: the message's terms as the index stores them
/// (<see cref="SearchAnalyzer.DocumentTerms"/>), the query's words and forms, and which of them may match as a prefix
/// (<see cref="MessageSearch.PostgresWords"/>, the same rule as the SQLite expression). The floors are what the analyzer
/// achieved when the set was written, a little lower; they guard against regressions and should be raised as it improves.
/// Set <c>RIBALTA_RECALL_REPORT</c> to a path to get the table as markdown (docs/search-quality.md).
/// </summary>
[Trait("Suite", "Unit")]
public sealed class SearchRecallTests(ITestOutputHelper output)
{
    private static readonly string[] Languages = ["en", "it", "es", "ar"];

    private static readonly string[] Types = ["inflection", "accent", "clitic", "suffix", "hamza", "broken-plural", "two-word", "exact"];

    /// <summary>Share of each language's positive pairs that must be found: measured before the analyzer change, minus a little.</summary>
    private static readonly Dictionary<string, double> RecallFloors = new()
    {
        // Measured after the analyzer learnt accents before stemming, Arabic clitics, suffixes and hamza seats.
        ["en"] = 0.90, // 127/138 (92.0%)
        ["it"] = 0.95, // 140/145 (96.6%)
        ["es"] = 0.95, // 146/150 (97.3%)
        ["ar"] = 0.80, // 144/173 (83.2%)
    };

    /// <summary>At most this share of each language's negative pairs may match.</summary>
    private const double MaxFalseMatches = 0.10;

    public sealed record Pair(string Language, string Type, string Query, string Message)
    {
        public bool Negative => Type == "negative";
    }

    public static IReadOnlyList<Pair> Pairs()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Language", "search-pairs.tsv");
        return File.ReadLines(path, Encoding.UTF8).Skip(1).Where(l => l.Length > 0)
            .Select(l => l.Split('\t'))
            .Select(f => new Pair(f[0], f[1], f[2], f[3]))
            .ToList();
    }

    /// <summary>Whether a search for <paramref name="query"/> finds <paramref name="message"/>, indexed in <paramref name="language"/>.</summary>
    internal static bool Finds(string query, string message, string language)
    {
        var document = SearchAnalyzer.DocumentTerms(message, language).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var terms = document.ToHashSet(StringComparer.Ordinal);
        var words = MessageSearch.PostgresWords(SearchAnalyzer.QueryTerms(query));
        return words.Count > 0 && words.All(word => word.Forms.Any(form =>
            terms.Contains(form.Lexeme) || (form.Prefix && document.Any(t => t.StartsWith(form.Lexeme, StringComparison.Ordinal)))));
    }

    [Fact]
    public void The_pairs_are_well_formed_and_each_language_has_at_least_100_positive_pairs_and_20_negative()
    {
        var pairs = Pairs();
        Assert.All(pairs, p =>
        {
            Assert.Contains(p.Language, Languages);
            Assert.True(p.Negative || Types.Contains(p.Type), $"unknown type {p.Type}");
            Assert.NotEmpty(SearchAnalyzer.QueryTerms(p.Query));
            Assert.NotEmpty(p.Message);
            Assert.True(p.Type != "two-word" || SearchAnalyzer.QueryTerms(p.Query).Count == 2, $"not two words: {p.Query}");
        });
        Assert.Equal(pairs.Count, pairs.Select(p => (p.Language, p.Query, p.Message)).Distinct().Count());
        foreach (var language in Languages)
        {
            Assert.True(pairs.Count(p => p.Language == language && !p.Negative) >= 100, $"fewer than 100 positive pairs in {language}");
            Assert.True(pairs.Count(p => p.Language == language && p.Negative) >= 20, $"fewer than 20 negative pairs in {language}");
        }
    }

    [Fact]
    public void Recall_per_language_stays_above_its_floor_and_at_most_one_negative_in_ten_matches()
    {
        var results = Pairs().Select(p => (Pair: p, Found: Finds(p.Query, p.Message, p.Language))).ToList();
        var table = Table(results);
        output.WriteLine(table);
        output.WriteLine("Positive pairs not found, and negative pairs found:");
        foreach (var (pair, found) in results.Where(r => r.Found == r.Pair.Negative))
        {
            output.WriteLine($"  {pair.Language} {pair.Type}: \"{pair.Query}\" [{string.Join(" + ", SearchAnalyzer.QueryTerms(pair.Query).Select(f => string.Join("|", f)))}] in \"{pair.Message}\" [{SearchAnalyzer.DocumentTerms(pair.Message, pair.Language)}]");
        }

        if (Environment.GetEnvironmentVariable("RIBALTA_RECALL_REPORT") is { Length: > 0 } report)
        {
            File.WriteAllText(report, table, new UTF8Encoding(false));
        }

        var failures = new List<string>();
        foreach (var language in Languages)
        {
            var positives = results.Where(r => r.Pair.Language == language && !r.Pair.Negative).ToList();
            var recall = (double)positives.Count(r => r.Found) / positives.Count;
            if (recall < RecallFloors[language])
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{language} recall {recall:P1} below its floor {RecallFloors[language]:P0}"));
            }

            var negatives = results.Where(r => r.Pair.Language == language && r.Pair.Negative).ToList();
            var falseMatches = (double)negatives.Count(r => r.Found) / negatives.Count;
            if (falseMatches > MaxFalseMatches)
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{language} negatives matched {falseMatches:P1}, more than {MaxFalseMatches:P0}"));
            }
        }

        Assert.True(failures.Count == 0, string.Join("; ", failures) + "\n" + table);
    }

    [Theory]
    [InlineData("refunds", "I was refunded half the amount.", "en", true)]
    [InlineData("refund", "The parcel was left at the wrong door.", "en", false)]
    [InlineData("late delivery", "The delivery arrived early.", "en", false)]
    [InlineData("parc", "The parcel was delivered to the wrong address.", "en", true)]
    [InlineData("parc wrong", "The parcel was delivered to the wrong address.", "en", false)]
    [InlineData("de", "The parcel was delivered to the wrong address.", "en", false)]
    public void A_message_is_found_when_every_query_word_has_a_form_among_its_terms_and_only_a_lone_word_as_typed_is_a_prefix(string query, string message, string language, bool found) =>
        Assert.Equal(found, Finds(query, message, language));

    /// <summary>Found/total and recall per type (rows) and language (columns), then all positives and negatives.</summary>
    private static string Table(IReadOnlyList<(Pair Pair, bool Found)> results)
    {
        static string Cell(IReadOnlyList<(Pair Pair, bool Found)> cell, bool negative)
        {
            if (cell.Count == 0)
            {
                return "";
            }

            var good = cell.Count(r => r.Found != negative);
            return string.Create(CultureInfo.InvariantCulture, $"{good}/{cell.Count} ({100.0 * good / cell.Count:F0}%)");
        }

        var table = new StringBuilder();
        table.AppendLine("| type | " + string.Join(" | ", Languages) + " |");
        table.AppendLine("| --- |" + string.Concat(Languages.Select(_ => " ---: |")));
        foreach (var type in Types.Where(t => results.Any(r => r.Pair.Type == t)))
        {
            table.AppendLine($"| {type} | " + string.Join(" | ", Languages.Select(l => Cell(results.Where(r => r.Pair.Language == l && r.Pair.Type == type).ToList(), false))) + " |");
        }

        table.AppendLine("| **all positive pairs (recall)** | " + string.Join(" | ", Languages.Select(l => "**" + Cell(results.Where(r => r.Pair.Language == l && !r.Pair.Negative).ToList(), false) + "**")) + " |");
        table.AppendLine("| negative pairs not matched | " + string.Join(" | ", Languages.Select(l => Cell(results.Where(r => r.Pair.Language == l && r.Pair.Negative).ToList(), true))) + " |");
        return table.ToString();
    }
}
