using System.Globalization;
using System.Text;
using Lucene.Net.Analysis.Ar;

namespace Ribalta.Platform.Text;

/// <summary>
/// Folds text for matching in four languages: case-insensitive, accent-insensitive ("perché" = "perche"),
/// and Arabic-normalised (alef forms, teh marbuta, alef maksura, harakat and tatweel) with Lucene's normaliser.
/// </summary>
public static class TextFolding
{
    private static readonly ArabicNormalizer Arabic = new();

    public static string Fold(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return string.Empty;
        }

        var decomposed = text.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark)
            {
                continue;
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        // FormD splits Arabic alef-with-hamza into alef + combining hamza; recompose before the Arabic rules so they see the forms they know.
        var chars = builder.ToString().Normalize(NormalizationForm.FormC).ToCharArray();
        var length = Arabic.Normalize(chars, chars.Length);
        return new string(chars, 0, length);
    }

    /// <summary>The words of a folded text, split on anything that is not a letter or digit.</summary>
    public static IEnumerable<string> Words(string? text)
    {
        var folded = Fold(text);
        var start = -1;
        for (var i = 0; i <= folded.Length; i++)
        {
            var isWordChar = i < folded.Length && (char.IsLetterOrDigit(folded[i]) || folded[i] is '@' or '.' or '_' or '+' or '-');
            if (isWordChar && start < 0)
            {
                start = i;
            }
            else if (!isWordChar && start >= 0)
            {
                yield return folded[start..i].Trim('.', '-', '_');
                start = -1;
            }
        }
    }

    /// <summary>Digits only, for matching phone numbers however they were typed.</summary>
    public static string Digits(string? text) =>
        text is null ? string.Empty : new string(text.Where(char.IsAsciiDigit).ToArray());
}
