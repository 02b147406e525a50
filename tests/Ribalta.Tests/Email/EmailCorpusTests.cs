using System.Text.Json;
using MimeKit;
using Ribalta.Cases.Email;
using Ribalta.Platform.Text;
using Xunit;

namespace Ribalta.Tests.Email;

/// <summary>
/// The parser against a corpus of real-world-style mail (Corpus/*.eml, described in Corpus/expected.json): encodings,
/// charsets, threading headers, quoted history of the common mail programs, attachments, inline images, automatic mail.
/// </summary>
[Trait("Suite", "Unit")]
public sealed class EmailCorpusTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Email", "Corpus");

    public sealed record Expected(
        string File,
        string? FromAddress,
        string? FromName,
        string Subject,
        string? MessageId,
        string? InReplyTo,
        List<string> References,
        long? CaseToken,
        string Automatic,
        string? BounceOf,
        List<string> BodyContains,
        List<string> BodyExcludes,
        List<string> Attachments,
        int InlineImages,
        bool HtmlHasRemoteImage,
        string Language);

    private static readonly IReadOnlyList<Expected> Manifest =
        JsonSerializer.Deserialize<List<Expected>>(File.ReadAllText(Path.Combine(Folder, "expected.json")), new JsonSerializerOptions(JsonSerializerDefaults.Web))!;

    public static TheoryData<string> Files() => new(Manifest.Select(e => e.File));

    private static ParsedEmail Parse(string file) => EmailParser.Parse(MimeMessage.Load(Path.Combine(Folder, file)));

    [Fact]
    public void The_corpus_has_at_least_thirty_messages_and_every_file_is_described()
    {
        var files = Directory.GetFiles(Folder, "*.eml").Select(f => Path.GetFileName(f)).Order().ToList();
        Assert.True(files.Count >= 30, $"{files.Count} messages");
        Assert.Equal(files, Manifest.Select(e => e.File).Order().ToList());
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Headers_are_decoded(string file)
    {
        var expected = Manifest.Single(e => e.File == file);
        var email = Parse(file);
        Assert.Equal(expected.FromAddress, email.FromAddress);
        Assert.Equal(expected.FromName, email.FromName);
        Assert.Equal(expected.Subject, email.Subject);
        Assert.Equal(expected.MessageId, email.MessageId);
        Assert.Equal(expected.InReplyTo, email.InReplyTo);
        Assert.Equal(expected.References, email.References);
        Assert.Equal(expected.CaseToken, email.CaseToken);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Automatic_mail_is_recognised(string file)
    {
        var expected = Manifest.Single(e => e.File == file);
        var email = Parse(file);
        var kind = expected.Automatic switch
        {
            "auto-reply" => AutomaticKind.AutoReply,
            "bounce" => AutomaticKind.Bounce,
            "bulk" => AutomaticKind.Bulk,
            _ => AutomaticKind.None,
        };
        Assert.Equal(kind, email.Automatic);
        Assert.Equal(expected.BounceOf, email.BounceOf);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void The_customers_own_words_are_kept_and_the_quoted_history_is_not(string file)
    {
        var expected = Manifest.Single(e => e.File == file);
        var email = Parse(file);
        foreach (var phrase in expected.BodyContains)
        {
            Assert.Contains(phrase, Flat(email.Text), StringComparison.Ordinal);
        }

        foreach (var phrase in expected.BodyExcludes)
        {
            Assert.DoesNotContain(phrase, Flat(email.Text), StringComparison.Ordinal);
            Assert.Contains(phrase, Flat(email.FullText + "\n" + (email.Html is null ? "" : EmailText.FromHtml(email.Html, withoutQuotes: false))), StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Files_and_inline_images_are_found(string file)
    {
        var expected = Manifest.Single(e => e.File == file);
        if (expected.Automatic == "bounce")
        {
            return; // a bounce never lands as a message, so its report parts are not files anyone receives
        }

        var email = Parse(file);
        Assert.Equal(expected.Attachments, email.Attachments.Select(a => a.FileName).ToList());
        Assert.Equal(expected.InlineImages, email.InlineImages.Count);
        Assert.All(email.Attachments.Concat(email.InlineImages), a => Assert.NotEmpty(a.Content));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Html_is_sanitised_and_remote_images_are_blocked(string file)
    {
        var email = Parse(file);
        if (email.Html is null)
        {
            return;
        }

        var blocked = EmailHtml.Sanitize(email.Html, new Dictionary<string, string>(), remoteImages: false);
        Assert.DoesNotContain("<script", blocked, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("javascript:", blocked, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onerror", blocked, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onload", blocked, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<iframe", blocked, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<form", blocked, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(@"(?i)(^|[;\s""])position\s*:", blocked);
        Assert.DoesNotMatch(@"<img[^>]*src=""https?:", blocked);
        var expected = Manifest.Single(e => e.File == file);
        if (expected.HtmlHasRemoteImage)
        {
            Assert.Contains("data-blocked=\"remote\"", blocked, StringComparison.Ordinal);
            Assert.Matches(@"<img[^>]*src=""https?:", EmailHtml.Sanitize(email.Html, new Dictionary<string, string>(), remoteImages: true));
        }
    }

    [Fact]
    public void The_language_of_the_customers_words_is_detected()
    {
        var detector = new LanguageDetector();
        var results = Manifest.Where(e => e.Automatic == "none").Select(e => (e.File, e.Language, Detected: detector.Detect($"{Parse(e.File).Subject}\n{Parse(e.File).Text}"))).ToList();
        var wrong = results.Where(r => r.Detected != r.Language).ToList();
        Assert.True(wrong.Count <= results.Count / 20, "Wrong: " + string.Join(", ", wrong.Select(w => $"{w.File}={w.Detected ?? "unknown"} (not {w.Language})")));
    }

    [Theory]
    [InlineData("Out of office message help", null, null)]
    [InlineData("Fuori sede: accesso VPN", null, null)]
    [InlineData("Question for the postmaster", "postmaster@example.com", null)]
    public void A_subject_or_a_sender_name_alone_does_not_make_mail_automatic(string subject, string? from, string? returnPath)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from ?? "someone@example.com"));
        message.Subject = subject;
        if (returnPath is not null)
        {
            message.Headers.Add(HeaderId.ReturnPath, returnPath);
        }

        message.Body = new TextPart("plain") { Text = "My out of office reply does not switch off, can you help me with the settings?" };
        Assert.Equal(AutomaticKind.None, EmailParser.Parse(message).Automatic);
    }

    [Fact]
    public void Quoted_history_is_cut_in_one_pass_however_long_it_is()
    {
        var text = "Thanks, that solved it.\n\n" + string.Concat(Enumerable.Repeat("> quoted line\n", 40_000)) + "x";
        Assert.Equal("Thanks, that solved it.", EmailText.StripQuoted(text.Replace("\nx", "", StringComparison.Ordinal)));
    }

    /// <summary>Whitespace as one space, so a phrase matches across the line breaks of a wrapped body.</summary>
    private static string Flat(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");
}
