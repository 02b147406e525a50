using Lucene.Net.Analysis.Ar;
using Lucene.Net.Tartarus.Snowball;
using Lucene.Net.Tartarus.Snowball.Ext;
using Ribalta.Platform.Localization;

namespace Ribalta.Platform.Text;

/// <summary>
/// Turns text into search terms the same way for both database engines: folded words (case, accents and Arabic
/// letter variants ignored) plus their stems from Lucene's Snowball stemmers (English, Italian, Spanish) and
/// Arabic light stemmer. A document is stemmed in its own language; a query in all four, since a searcher's
/// words may be in any of them.
/// </summary>
public static class SearchAnalyzer
{
    public const int MaxQueryWords = 8;

    /// <summary>Space-separated terms to index for a text written in <paramref name="language"/> (null: unknown).</summary>
    public static string DocumentTerms(string? text, string? language)
    {
        var languages = SupportedCultures.IsSupported(language) ? [language!] : SupportedCultures.Codes;
        var terms = new List<string>();
        foreach (var word in Words(text))
        {
            terms.Add(word);
            foreach (var stem in languages.Select(l => Stem(word, l)).Distinct(StringComparer.Ordinal))
            {
                if (stem != word)
                {
                    terms.Add(stem);
                }
            }
        }

        return string.Join(' ', terms);
    }

    /// <summary>Each query word with the forms that may match it: itself and its stems in every language.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> QueryTerms(string? query) =>
        Words(query).Distinct(StringComparer.Ordinal).Take(MaxQueryWords)
            .Select(word => (IReadOnlyList<string>)new[] { word }.Concat(SupportedCultures.Codes.Select(l => Stem(word, l))).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).ToList())
            .ToList();

    /// <summary>Folded words made only of letters and digits, safe to place in any engine's query syntax.</summary>
    public static IEnumerable<string> Words(string? text)
    {
        var folded = TextFolding.Fold(text);
        var start = -1;
        for (var i = 0; i <= folded.Length; i++)
        {
            var isWordChar = i < folded.Length && char.IsLetterOrDigit(folded[i]);
            if (isWordChar && start < 0)
            {
                start = i;
            }
            else if (!isWordChar && start >= 0)
            {
                var word = folded[start..i];
                if (word.Length <= 64)
                {
                    yield return word;
                }

                start = -1;
            }
        }
    }

    public static string Stem(string word, string language)
    {
        if (word.Length < 3 || word.All(char.IsAsciiDigit))
        {
            return word;
        }

        if (language == "ar")
        {
            var chars = word.ToCharArray();
            var length = new ArabicStemmer().Stem(chars, chars.Length);
            return length >= 2 ? new string(chars, 0, length) : word;
        }

        SnowballProgram stemmer = language switch
        {
            "it" => new ItalianStemmer(),
            "es" => new SpanishStemmer(),
            _ => new EnglishStemmer(),
        };
        stemmer.SetCurrent(word);
        stemmer.Stem();
        return stemmer.Current is { Length: >= 2 } stem ? stem : word;
    }
}
