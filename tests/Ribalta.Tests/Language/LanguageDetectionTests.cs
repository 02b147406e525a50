using System.Globalization;
using System.Text;
using Ribalta.Platform.Text;
using Xunit;
using Xunit.Abstractions;

namespace Ribalta.Tests.Language;

/// <summary>
/// The detector against a labelled set of short texts from public sources (<c>language-samples.tsv</c>, described in
/// the README beside it): at least 95% right on texts of 20 characters or more, in each language.
/// </summary>
[Trait("Suite", "Unit")]
public sealed class LanguageDetectionTests(ITestOutputHelper output)
{
    private static readonly LanguageDetector Detector = new();

    private static readonly string[] Languages = ["en", "it", "es", "ar"];

    public static IReadOnlyList<(string Language, string Text)> Samples()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Language", "language-samples.tsv");
        return File.ReadLines(path, Encoding.UTF8).Skip(1).Where(l => l.Length > 0)
            .Select(l => l.Split('\t'))
            .Select(f => (f[0], f[1]))
            .ToList();
    }

    [Fact]
    public void The_labelled_set_is_large_enough_and_labelled_with_supported_languages()
    {
        var samples = Samples();
        Assert.All(samples, s => Assert.Contains(s.Language, Languages));
        foreach (var language in Languages)
        {
            Assert.True(samples.Count(s => s.Language == language && s.Text.Length >= 20) >= 100, $"fewer than 100 texts of 20+ characters in {language}");
        }

        Assert.Equal(samples.Count, samples.Select(s => s.Text).Distinct().Count());
    }

    [Fact]
    public void Texts_of_twenty_characters_or_more_are_recognised_at_least_95_percent_of_the_time_in_each_language()
    {
        var report = new StringBuilder();
        var failures = new List<string>();
        foreach (var language in Languages)
        {
            var texts = Samples().Where(s => s.Language == language && s.Text.Length >= 20).Select(s => s.Text).ToList();
            var answers = texts.Select(t => (Text: t, Detected: Detector.Detect(t))).ToList();
            var right = answers.Count(a => a.Detected == language);
            var unsure = answers.Count(a => a.Detected is null);
            var accuracy = (double)right / texts.Count;
            report.AppendLine(CultureInfo.InvariantCulture, $"{language}: {right}/{texts.Count} right ({accuracy:P1}), {unsure} unsure, {texts.Count - right - unsure} wrong");
            foreach (var (text, detected) in answers.Where(a => a.Detected != language))
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"    {detected ?? "unsure"}: {text}");
            }

            if (accuracy < 0.95)
            {
                failures.Add($"{language} {accuracy:P1}");
            }
        }

        output.WriteLine(report.ToString());
        Assert.True(failures.Count == 0, $"below 95%: {string.Join(", ", failures)}\n{report}");
    }

    [Theory]
    [InlineData("ok")]
    [InlineData("   ")]
    [InlineData("https://example.org/orders/12345")]
    [InlineData("ana.ortega@example.org 12/03/2026")]
    public void Too_little_to_go_on_is_unsure(string text) => Assert.Null(Detector.Detect(text));

    [Theory]
    [InlineData("perche il mio ordine non e ancora arrivato? ho pagato la settimana scorsa", "it")]
    [InlineData("Hola, el pedido #A-20931 no ha llegado, me podeis decir donde esta?", "es")]
    [InlineData("Hi, my order 4471 arrived broken, can I get a refund? https://shop.example.com/o/4471", "en")]
    [InlineData("مرحبا، طلبي رقم 5521 لم يصل بعد، متى سيصل؟", "ar")]
    public void Order_numbers_links_and_missing_accents_do_not_mislead_it(string text, string language) =>
        Assert.Equal(language, Detector.Detect(text));

    [Fact]
    public void Short_texts_continue_the_conversation_s_language_and_arabic_script_is_arabic_at_any_length()
    {
        var report = new StringBuilder();
        foreach (var language in Languages)
        {
            var texts = Samples().Where(s => s.Language == language && s.Text.Length < 20).Select(s => s.Text).ToList();
            Assert.NotEmpty(texts);
            var right = texts.Count(t => Detector.Read(t, prior: language).Language == language);
            report.AppendLine(CultureInfo.InvariantCulture, $"{language}: {right}/{texts.Count} short texts read in the conversation's language");
            Assert.True(right >= texts.Count * 0.95, report.ToString());
            Assert.All(texts, t => Assert.False(Detector.Read(t, prior: language).Confident, $"a short text is no evidence: {t}"));
        }

        // Arabic is the only one of the four in its script: no prior needed.
        var arabic = Samples().Where(s => s.Language == "ar" && s.Text.Length < 20).Select(s => s.Text).ToList();
        Assert.NotEmpty(arabic);
        Assert.All(arabic, t => Assert.Equal("ar", Detector.Read(t).Language));
        Assert.Equal("ar", Detector.Read("أين طلبي؟").Language);
        output.WriteLine(report.ToString());
    }

    [Theory]
    [InlineData("Quiero un reembolso", "es")]
    [InlineData("dov'è il mio pacco?", "it")]
    [InlineData("I forgot my password", "en")]
    [InlineData("grazie mille", "it")]
    public void A_follow_up_is_read_in_the_case_s_language_but_is_no_evidence_for_the_customer_s(string text, string prior)
    {
        var reading = Detector.Read(text, prior);
        Assert.Equal(prior, reading.Language);
        Assert.False(reading.Confident);
    }

    [Fact]
    public void A_wrong_guess_from_a_few_words_never_becomes_evidence()
    {
        // Lingua reads this as Italian with 0.99 confidence; without a prior it may still be filed so, but never learned.
        Assert.False(Detector.Read("I forgot my password").Confident);
    }

    [Fact]
    public void Confident_readings_are_right_and_a_long_text_in_another_language_overrides_the_prior()
    {
        var samples = Samples().Where(s => s.Text.Length >= 20).ToList();
        var confident = samples.Select(s => (s.Language, Reading: Detector.Read(s.Text))).Where(r => r.Reading.Confident).ToList();
        Assert.True(confident.Count >= samples.Count / 3, $"only {confident.Count} of {samples.Count} confident");
        var wrong = confident.Where(r => r.Reading.Language != r.Language).ToList();
        Assert.True(wrong.Count <= confident.Count / 100, $"{wrong.Count} confident readings wrong");

        // Switching language: a customer known to write English who writes a clear Italian paragraph.
        const string italian = "Buongiorno, vi scrivo perché il pacco che ho ordinato la settimana scorsa non è ancora arrivato e il corriere non risponde.";
        var reading = Detector.Read(italian, prior: "en");
        Assert.Equal("it", reading.Language);
        Assert.True(reading.Confident);

        // Latin texts of 20+ characters with another Latin language as prior: how often the words still win.
        var latin = samples.Where(s => s.Language != "ar").ToList();
        var overridden = latin.SelectMany(s => Languages.Where(l => l != "ar" && l != s.Language).Select(prior => Detector.Read(s.Text, prior).Language == s.Language)).ToList();
        output.WriteLine($"words beat a wrong prior in {overridden.Count(x => x)}/{overridden.Count}");
        Assert.True(overridden.Count(x => x) >= overridden.Count * 0.9, $"words beat a wrong prior only {overridden.Count(x => x)}/{overridden.Count}");
        var kept = latin.Count(s => Detector.Read(s.Text, s.Language).Language == s.Language);
        Assert.True(kept >= latin.Count * 0.99, $"the right prior kept for {kept}/{latin.Count}");
    }
}
