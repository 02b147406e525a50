using System.Globalization;
using System.Text;
using Lucene.Net.Tartarus.Snowball;
using Lucene.Net.Tartarus.Snowball.Ext;
using Ribalta.Platform.Localization;

namespace Ribalta.Platform.Text;

/// <summary>
/// Turns text into search terms the same way for both database engines and for documents and queries: each word
/// folded (case, accents and Arabic letter variants ignored) plus the forms it may be found by. Latin-script words are
/// stemmed as written, accents and all, by Lucene's Snowball stemmers (English, Italian, Spanish), and the stem is
/// folded afterwards: Snowball's rules know "organización" and "organizaciones" only with their accents. Arabic words
/// are normalised (alef and hamza seats, teh marbuta, alef maksura), then Lucene's light stemmer runs on the word and
/// on the word without its proclitics (و ف, then ب ل ك) and pronoun suffixes, each kept only while three letters
/// remain. A document is analysed in its own language; a query in all four, since a searcher's words may be in any.
/// </summary>
public static class SearchAnalyzer
{
    public const int MaxQueryWords = 8;

    /// <summary>Space-separated terms to index for a text written in <paramref name="language"/> (null: unknown).</summary>
    public static string DocumentTerms(string? text, string? language)
    {
        var languages = SupportedCultures.IsSupported(language) ? [language!] : SupportedCultures.Codes;
        var terms = new StringBuilder(text?.Length ?? 0);
        var forms = new List<string>(8);
        foreach (var (written, folded) in WrittenWords(text))
        {
            forms.Clear();
            AddForms(forms, written, folded, languages);
            foreach (var form in forms)
            {
                if (terms.Length > 0)
                {
                    terms.Append(' ');
                }

                terms.Append(form);
            }
        }

        return terms.ToString();
    }

    /// <summary>Each query word with the forms that may match it: itself (folded, always first) and its forms in every language.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> QueryTerms(string? query) =>
        WrittenWords(query).DistinctBy(w => w.Folded, StringComparer.Ordinal).Take(MaxQueryWords)
            .Select(w =>
            {
                var forms = new List<string>(8);
                AddForms(forms, w.Written, w.Folded, SupportedCultures.Codes);
                return (IReadOnlyList<string>)forms;
            })
            .ToList();

    /// <summary>Folded words made only of letters and digits, safe to place in any engine's query syntax.</summary>
    public static IEnumerable<string> Words(string? text) => WrittenWords(text).Select(w => w.Folded);

    /// <summary>The forms of one word as written (lower case, accents kept) in any of the languages: for matching excerpts.</summary>
    public static IReadOnlyList<string> Forms(string word)
    {
        var forms = new List<string>(8);
        foreach (var (written, folded) in WrittenWords(word))
        {
            AddForms(forms, written, folded, SupportedCultures.Codes);
        }

        return forms;
    }

    /// <summary>
    /// The folded word first, then each distinct form: in Latin-script languages the stem of the word as written (then
    /// folded) and the stem of the folded word (a query typed without accents still meets a document stemmed with them);
    /// in Arabic the hamza-folded word, its light stem, and those of the word without clitics.
    /// </summary>
    private static void AddForms(List<string> forms, string written, string folded, IReadOnlyList<string> languages)
    {
        var start = forms.Count;
        void Add(string form)
        {
            if (form.Length > 0 && !forms.Skip(start).Contains(form, StringComparer.Ordinal))
            {
                forms.Add(form);
            }
        }

        Add(folded);
        if (folded.Length < 3 || folded.All(char.IsAsciiDigit))
        {
            return;
        }

        if (IsArabic(folded))
        {
            if (languages.Contains("ar"))
            {
                foreach (var form in ArabicAnalysis.Forms(written, folded))
                {
                    Add(form);
                }
            }

            return;
        }

        foreach (var language in languages)
        {
            if (language == "ar")
            {
                continue;
            }

            Add(Fold(SnowballStem(written, language)));
            if (!ReferenceEquals(written, folded))
            {
                Add(SnowballStem(folded, language));
            }
        }
    }

    /// <summary>
    /// The words of a text as written (lower case, composed, accents and Arabic marks kept) with their folded form.
    /// A word that folds into several (a ligature, a mark between letters) gives each piece, folded, as written.
    /// </summary>
    private static IEnumerable<(string Written, string Folded)> WrittenWords(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            yield break;
        }

        var lower = text.Normalize(NormalizationForm.FormC).ToLowerInvariant();
        var start = -1;
        for (var i = 0; i <= lower.Length; i++)
        {
            var isWordChar = i < lower.Length && (char.IsLetterOrDigit(lower[i]) || CharUnicodeInfo.GetUnicodeCategory(lower[i]) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark);
            if (isWordChar && start < 0)
            {
                start = i;
            }
            else if (!isWordChar && start >= 0)
            {
                var written = lower[start..i];
                start = -1;
                if (written.Length > 64)
                {
                    continue;
                }

                if (Ascii(written))
                {
                    // Most words: already folded, and the same string serves as both (AddForms then stems once).
                    yield return (written, written);
                    continue;
                }

                var pieces = TextFolding.Fold(written).Split(static c => !char.IsLetterOrDigit(c));
                if (pieces.Count == 1)
                {
                    yield return (written, pieces[0]);
                }
                else
                {
                    foreach (var piece in pieces)
                    {
                        yield return (piece, piece);
                    }
                }
            }
        }
    }

    private static List<string> Split(this string text, Func<char, bool> separator)
    {
        var pieces = new List<string>(1);
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inside = i < text.Length && !separator(text[i]);
            if (inside && start < 0)
            {
                start = i;
            }
            else if (!inside && start >= 0)
            {
                pieces.Add(text[start..i]);
                start = -1;
            }
        }

        return pieces;
    }

    private static bool Ascii(string word)
    {
        foreach (var c in word)
        {
            if (c > '\u007F')
            {
                return false;
            }
        }

        return true;
    }

    private static string Fold(string word) => Ascii(word) ? word : TextFolding.Fold(word);

    private static bool IsArabic(string word) => word.Length > 0 && word[0] is >= '\u0600' and <= '\u06FF';

    private static string SnowballStem(string word, string language)
    {
        if (word.Length < 3)
        {
            return word;
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
