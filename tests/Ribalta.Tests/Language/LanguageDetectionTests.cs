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
}
