using System.Text.RegularExpressions;
using Lingua;
using static Lingua.Language;

namespace Ribalta.Platform.Text;

/// <summary>
/// Which of Ribalta's languages a customer's text is written in, or null when the text does not say clearly (under
/// 20 characters, evenly mixed, or in another language). The models are Lingua's n-gram statistics, trained on large public
/// corpora and maintained upstream; addresses, links and numbers are set aside first, since they read as English to
/// any model. Thread-safe; one instance serves the application.
/// </summary>
public sealed partial class LanguageDetector
{
    /// <summary>The start of a long message says enough; reading further only costs time.</summary>
    private const int MaxCharacters = 600;

    /// <summary>Shorter texts get no language: accuracy is measured (and holds) from 20 characters up.</summary>
    private const int MinCharacters = 20;

    /// <summary>Fewer letters than this, once links and numbers are set aside, and no language is claimed.</summary>
    private const int MinLetters = 4;

    private readonly Lingua.LanguageDetector _detector = LanguageDetectorBuilder
        .FromLanguages(English, Italian, Spanish, Arabic)
        .WithMinimumRelativeDistance(0.1)
        .WithLowAccuracyMode()
        .Build();

    /// <summary>The language code ("en", "it", "es", "ar"), or null when unsure.</summary>
    public string? Detect(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Trim().Length < MinCharacters)
        {
            return null;
        }

        var words = Noise().Replace(text.Length > MaxCharacters ? text[..MaxCharacters] : text, " ");
        if (words.Count(char.IsLetter) < MinLetters)
        {
            return null;
        }

        return _detector.DetectLanguageOf(words) switch
        {
            English => "en",
            Italian => "it",
            Spanish => "es",
            Arabic => "ar",
            _ => null,
        };
    }

    // Links, email addresses, @handles and anything with a digit in it (order numbers, dates, amounts).
    [GeneratedRegex(@"https?://\S+|www\.\S+|\S+@\S+|@\w+|\S*\d\S*", RegexOptions.CultureInvariant)]
    private static partial Regex Noise();
}
