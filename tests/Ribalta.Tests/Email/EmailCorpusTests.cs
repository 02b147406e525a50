using System.Text.Json;
using MimeKit;
using Ribalta.Channels.Email;
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
        string Language,
        bool HasHtml);

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
            "receipt" => AutomaticKind.Receipt,
            "abuse-report" => AutomaticKind.AbuseReport,
            "none" => AutomaticKind.None,
            _ => throw new InvalidOperationException($"{file}: unknown kind {expected.Automatic}"),
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
        // Reports (bounces, receipts, abuse complaints) included: their machine parts are nobody's files.
        var expected = Manifest.Single(e => e.File == file);
        var email = Parse(file);
        Assert.Equal(expected.Attachments, email.Attachments.Select(a => a.FileName).ToList());
        Assert.Equal(expected.InlineImages, email.InlineImages.Count);
        Assert.All(email.Attachments.Concat(email.InlineImages), a => Assert.NotEmpty(a.Content));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Html_is_sanitised_and_remote_images_are_blocked(string file)
    {
        var expected = Manifest.Single(e => e.File == file);
        var email = Parse(file);
        Assert.Equal(expected.HasHtml, email.Html is not null);
        if (email.Html is null)
        {
            // Plain mail: what staff read is its text, with no markup that would have needed cleaning.
            Assert.False(expected.HtmlHasRemoteImage);
            Assert.DoesNotMatch(@"(?i)<\s*(html|body|div|script|iframe|img|style)\b", email.FullText);
            Assert.NotEmpty(email.FullText.Trim());
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
    public void Control_characters_and_broken_surrogates_never_reach_what_is_stored()
    {
        var raw = "From: =?utf-8?q?Giulia=00_Ferri?= <giulia@example.it>\r\nTo: support@acme.test\r\n"
            + "Subject: =?utf-8?q?Rimborso=00_ordine=07_1042?=\r\nMessage-ID: <nul=00@example.it>\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nBuongiorno,=00 vorrei il rimborso.=0D=0A=09Grazie=1B\r\n";
        var email = EmailParser.Parse(MimeMessage.Load(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(raw))));
        Assert.Equal("Rimborso ordine 1042", email.Subject);
        Assert.Equal("Giulia Ferri", email.FromName);
        Assert.DoesNotContain(email.Text + email.FullText + email.MessageId, c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t');
        Assert.Contains("vorrei il rimborso.", email.Text, StringComparison.Ordinal);
        Assert.Contains("\tGrazie", email.FullText, StringComparison.Ordinal);
        Assert.Equal("a\tb", EmailParser.Text("a\tb\0"));
        Assert.Equal("ab", EmailParser.Line("a\ud800b\udc00"));
        Assert.Equal("a😀", EmailParser.Line("a😀\u0085"));
    }

    [Fact]
    public void Mail_without_a_message_id_is_one_mail_only_when_its_whole_content_is_the_same()
    {
        static ParsedEmail Mail(string? file, string? html, string received)
        {
            var message = new MimeMessage();
            message.Headers.Add(HeaderId.Received, received);
            message.From.Add(new MailboxAddress("Sam Lee", "sam@example.com"));
            message.To.Add(MailboxAddress.Parse("support@acme.test"));
            message.Date = new DateTimeOffset(2026, 11, 3, 9, 0, 0, TimeSpan.Zero);
            message.Subject = "Invoice";
            var body = new BodyBuilder { TextBody = "Here is the invoice.", HtmlBody = html };
            if (file is not null)
            {
                body.Attachments.Add(file, System.Text.Encoding.ASCII.GetBytes("%PDF-1.4 " + file), new ContentType("application", "pdf"));
            }

            message.Body = body.ToMessageBody();
            FixBoundaries(message.Body, 0); // as one mail fetched twice has them
            message.Headers.Remove(HeaderId.MessageId);
            return EmailParser.Parse(message);
        }

        var a = Mail("a.pdf", null, "from mx1 by mx2; Tue, 3 Nov 2026 09:00:01 +0000");
        Assert.Null(a.MessageId);
        Assert.Equal(a.Key, Mail("a.pdf", null, "from mx7 by mx8; Tue, 3 Nov 2026 09:00:09 +0000").Key);
        Assert.NotEqual(a.Key, Mail("b.pdf", null, "from mx1 by mx2; Tue, 3 Nov 2026 09:00:01 +0000").Key);
        Assert.NotEqual(Mail(null, "<p>Here is the invoice.</p>", "x").Key, Mail(null, "<p>Here is the <b>invoice</b>.</p>", "x").Key);
    }

    private static void FixBoundaries(MimeEntity entity, int depth)
    {
        if (entity is Multipart multipart)
        {
            multipart.Boundary = $"boundary-{depth}";
            foreach (var child in multipart)
            {
                FixBoundaries(child, depth + 1);
            }
        }
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
