using Lucene.Net.Analysis.Ar;

namespace Ribalta.Platform.Text;

/// <summary>
/// The forms an Arabic word may be found by, for <see cref="SearchAnalyzer"/>: Lucene's light stem, hamza seats unified,
/// and the word without its clitics (a conjunction, a preposition, a pronoun suffix, a tanwin alef), never below three letters.
/// </summary>
internal static partial class ArabicAnalysis
{
    /// <summary>An Arabic stem shorter than this is no longer a word: a clitic is left on rather than stripped to it.</summary>
    private const int MinStem = 3;

    /// <summary>
    /// The forms of a folded Arabic word: its light stem, the word with each hamza seat written as the bare hamza
    /// (مسؤول = مسئول) and without it, and the same for the word without a conjunction (و ف), a preposition (ب ل ك), a
    /// pronoun suffix, or a tanwin alef.
    /// </summary>
    public static IEnumerable<string> Forms(string written, string folded)
    {
        // Folding drops the hamza from its seat (ؤ becomes و, ئ becomes ي, أ becomes ا), so the seats are read from the
        // word as written: inside a word every seat is written as the bare hamza (مسؤول = مسئول, هيئة = هيأة), and also
        // without it (شيء = شئ, which folds to شي). A hamza-initial alef is left to folding (أحمد = احمد).
        foreach (var form in LightStems(folded))
        {
            yield return form;
        }

        var word = folded;
        if (HamzaSeat().IsMatch(written))
        {
            word = TextFolding.Fold(HamzaSeat().Replace(written, "ء"));
            var bare = word.Replace("ء", "", StringComparison.Ordinal);
            if (bare.Length >= MinStem)
            {
                yield return bare;
            }

            yield return word;
            foreach (var form in LightStems(word))
            {
                yield return form;
            }
        }

        // Tanwin on a final alef ("شكراً") is the accusative ending, not part of the word.
        if ((written.EndsWith("اً", StringComparison.Ordinal) || written.EndsWith("ًا", StringComparison.Ordinal)) && word.Length - 1 >= MinStem)
        {
            yield return word[..^1];
            foreach (var form in LightStems(word[..^1]))
            {
                yield return form;
            }
        }

        foreach (var bare in WithoutClitics(word))
        {
            yield return bare;
            foreach (var form in LightStems(bare))
            {
                yield return form;
            }
        }
    }

    private static IEnumerable<string> LightStems(string word)
    {
        var stem = ArabicLightStem(word);
        yield return stem;
        if (WithTehMarbuta(stem, word) is { } marbuta)
        {
            yield return marbuta;
        }
    }

    /// <summary>The word with its proclitics and then a pronoun suffix taken off, one step at a time, never below three letters.</summary>
    private static IEnumerable<string> WithoutClitics(string word)
    {
        var stems = new List<string> { word };
        var current = word;
        if (current.Length - 1 >= MinStem + 1 && current[0] is 'و' or 'ف')
        {
            current = current[1..];
            stems.Add(current);
        }

        if (current.Length - 1 >= MinStem && current[0] is 'ب' or 'ل' or 'ك')
        {
            current = current[1..];
            stems.Add(current);
        }

        foreach (var stem in stems.ToList())
        {
            foreach (var suffix in PronounSuffixes)
            {
                if (stem.Length - suffix.Length >= MinStem && stem.EndsWith(suffix, StringComparison.Ordinal))
                {
                    var bare = stem[..^suffix.Length];
                    stems.Add(bare);

                    // Before a suffix teh marbuta is written as teh (فاتورتكم): the word alone ends in ة, folded to ه.
                    if (bare[^1] == 'ت')
                    {
                        stems.Add(string.Concat(bare.AsSpan(0, bare.Length - 1), "ه"));
                    }

                    break;
                }
            }
        }

        return stems.Skip(1);
    }

    /// <summary>Attached pronouns the light stemmer leaves on (it strips ه, ها, ي and plural endings itself); longest first.</summary>
    private static readonly string[] PronounSuffixes = ["كما", "هما", "هم", "هن", "كم", "كن", "نا", "ني", "ك"];

    private static string ArabicLightStem(string word)
    {
        if (word.Length < 3)
        {
            return word;
        }

        var chars = word.ToCharArray();
        var length = new ArabicStemmer().Stem(chars, chars.Length);
        if (length < 2)
        {
            return word;
        }

        return new string(chars, 0, length);
    }

    /// <summary>
    /// Before an ending ة is written ت (بطاقتي, الشحنتان); when the light stem took an ending off and ends in teh, the
    /// word alone is the stem with teh marbuta (folded to ه). Null when that does not apply.
    /// </summary>
    private static string? WithTehMarbuta(string stem, string word) =>
        stem.Length < word.Length && stem.Length > MinStem && stem[^1] == 'ت' ? string.Concat(stem.AsSpan(0, stem.Length - 1), "ه") : null;

    // A seat inside the word: ؤ and ئ anywhere but first, أ إ آ only after a letter that is not the article's (الأسعار
    // keeps its alef, as folding already makes it match اسعار).
    [System.Text.RegularExpressions.GeneratedRegex("(?<=.)[ؤئ]|(?<=[^\\sال])[أإآ]")]
    private static partial System.Text.RegularExpressions.Regex HamzaSeat();
}
