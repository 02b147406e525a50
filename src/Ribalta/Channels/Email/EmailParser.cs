using System.Text;
using System.Text.RegularExpressions;
using MimeKit;
using MimeKit.Text;

namespace Ribalta.Channels.Email;

/// <summary>Mail that a person did not write and that must never be answered automatically.</summary>
public enum AutomaticKind
{
    None,
    AutoReply,
    Bounce,
    Bulk,

    /// <summary>A read receipt (message disposition notification, RFC 8098).</summary>
    Receipt,

    /// <summary>An abuse or spam complaint about mail we sent (ARF feedback report, RFC 5965).</summary>
    AbuseReport,
}

public sealed record EmailFile(string FileName, string DeclaredType, byte[] Content, string? ContentId);

/// <summary>An inbound email as the help desk needs it: who, what about, which thread, the words and the files.</summary>
public sealed record ParsedEmail(
    string? FromAddress,
    string? FromName,
    string Subject,
    string? MessageId,
    string? InReplyTo,
    IReadOnlyList<string> References,
    long? CaseToken,
    AutomaticKind Automatic,
    string? BounceOf,
    string Text,
    string FullText,
    string? Html,
    IReadOnlyList<EmailFile> Attachments,
    IReadOnlyList<EmailFile> InlineImages,
    string? LoopMarker,
    string ContentHash)
{
    public string Key => EmailRecord.KeyFor(MessageId, () => ContentHash);

    /// <summary>Message-IDs this one answers, nearest first: what threading looks up.</summary>
    public IEnumerable<string> Ancestors => (InReplyTo is null ? [] : new[] { InReplyTo }).Concat(References.Reverse()).Distinct();
}

/// <summary>
/// Reads MIME with MimeKit: decoded headers (RFC 2047/2231, legacy charsets), the text (or the HTML made text when
/// there is no text part, with <c>format=flowed</c> undone), attachments and inline images, and whether a machine sent
/// it (auto-replies, bounces, bulk mail).
/// </summary>
internal static partial class EmailParser
{
    /// <summary>The header every mail Ribalta sends carries: mail coming back with it is a loop.</summary>
    public const string LoopHeader = "X-Ribalta-Mailbox";

    public static ParsedEmail Parse(MimeMessage message)
    {
        var from = message.From.Mailboxes.FirstOrDefault() ?? message.Sender;
        var subject = Line(Regex.Replace(message.Subject ?? "", @"\s+", " "));
        var (textPart, htmlPart) = BodyParts(message);
        var html = htmlPart?.Text;
        var plain = textPart is null ? null : Unflow(textPart);
        var fullText = EmailText.Normalize(plain ?? (html is null ? "" : EmailText.FromHtml(html, withoutQuotes: false)));
        var text = plain is not null ? EmailText.StripQuoted(plain)
            : html is not null ? EmailText.StripQuoted(EmailText.FromHtml(html, withoutQuotes: true))
            : "";

        var automatic = Classify(message, from?.Address, subject);
        var report = automatic is AutomaticKind.Bounce or AutomaticKind.Receipt or AutomaticKind.AbuseReport;
        var attachments = new List<EmailFile>();
        var inline = new List<EmailFile>();
        foreach (var entity in message.BodyParts)
        {
            // A report's machine parts (the status, the returned message or its headers) are nobody's files.
            if (ReferenceEquals(entity, textPart) || ReferenceEquals(entity, htmlPart) || (report && IsReportPart(entity)))
            {
                continue;
            }

            switch (entity)
            {
                case MessagePart forwarded:
                    using (var stream = new MemoryStream())
                    {
                        forwarded.Message?.WriteTo(stream);
                        var name = forwarded.ContentDisposition?.FileName ?? forwarded.ContentType.Name;
                        attachments.Add(new EmailFile(string.IsNullOrWhiteSpace(name) ? "forwarded.eml" : Line(name), "message/rfc822", stream.ToArray(), null));
                    }

                    break;
                case MimePart part:
                    var content = Content(part);
                    var cid = part.ContentId;
                    if (cid is not null && html is not null && part.ContentType.MediaType.Equals("image", StringComparison.OrdinalIgnoreCase)
                        && html.Contains("cid:" + cid, StringComparison.OrdinalIgnoreCase))
                    {
                        inline.Add(new EmailFile(Line(part.FileName ?? $"image-{inline.Count + 1}.{part.ContentType.MediaSubtype}"), part.ContentType.MimeType, content, Line(cid)));
                    }
                    else if (part.IsAttachment || part is not TextPart || !string.IsNullOrEmpty(part.FileName))
                    {
                        attachments.Add(new EmailFile(Line(part.FileName ?? $"attachment-{attachments.Count + 1}"), part.ContentType.MimeType, content, cid is null ? null : Line(cid)));
                    }

                    break;
            }
        }

        return new ParsedEmail(
            Optional(from?.Address)?.ToLowerInvariant(),
            Optional(from?.Name),
            subject,
            Optional(message.MessageId),
            Optional(message.InReplyTo),
            message.References.Select(Line).Where(r => r.Length > 0).ToList(),
            CaseToken().Match(subject) is { Success: true } token && long.TryParse(token.Groups[1].Value, out var caseId) ? caseId : null,
            automatic,
            automatic == AutomaticKind.Bounce ? Optional(BounceOf(message)) : null,
            Text(text),
            Text(fullText),
            html is null ? null : Text(html),
            attachments,
            inline,
            Optional(message.Headers[LoopHeader]),
            ContentHash(message));
    }

    /// <summary>
    /// A header value fit to store: no control characters and no half surrogate pairs. PostgreSQL refuses NUL in text
    /// (error 22021) and broken UTF-16, so a mail carrying them would fail to land at every check.
    /// </summary>
    public static string Line(string? value) => Keep(value ?? "", allowBreaks: false).Trim();

    /// <summary>Text fit to store: as <see cref="Line"/>, but tabs and line breaks stay.</summary>
    public static string Text(string value) => Keep(value, allowBreaks: true);

    private static string? Optional(string? value) => Line(value) is { Length: > 0 } kept ? kept : null;

    private static string Keep(string value, bool allowBreaks)
    {
        var clean = true;
        for (var i = 0; i < value.Length && clean; i++)
        {
            clean = Allowed(value, i, allowBreaks);
        }

        if (clean)
        {
            return value;
        }

        var kept = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (Allowed(value, i, allowBreaks))
            {
                kept.Append(value[i]);
            }
        }

        return kept.ToString();
    }

    private static bool Allowed(string value, int i, bool allowBreaks)
    {
        var c = value[i];
        if (char.IsControl(c))
        {
            return allowBreaks && c is '\t' or '\n' or '\r';
        }

        return char.IsHighSurrogate(c) ? i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])
            : !char.IsLowSurrogate(c) || (i > 0 && char.IsHighSurrogate(value[i - 1]));
    }

    private static bool IsReportPart(MimeEntity entity) =>
        entity is MessagePart
        || entity.ContentType.IsMimeType("message", "delivery-status")
        || entity.ContentType.IsMimeType("message", "disposition-notification")
        || entity.ContentType.IsMimeType("message", "feedback-report")
        || entity.ContentType.IsMimeType("text", "rfc822-headers");

    /// <summary>The text and HTML a reader sees: the first of each that is not an attachment.</summary>
    private static (TextPart? Text, TextPart? Html) BodyParts(MimeMessage message)
    {
        var parts = message.BodyParts.OfType<TextPart>().Where(p => !p.IsAttachment).ToList();
        var text = parts.FirstOrDefault(p => p.IsPlain);
        var html = parts.FirstOrDefault(p => p.IsHtml);
        return (text, html);
    }

    private static string Unflow(TextPart part)
    {
        var text = part.Text ?? "";
        if (part.IsFlowed)
        {
            var delsp = part.ContentType.Parameters["delsp"] is { } value && value.Equals("yes", StringComparison.OrdinalIgnoreCase);
            return new FlowedToText { DeleteSpace = delsp }.Convert(text);
        }

        return text;
    }

    private static byte[] Content(MimePart part)
    {
        using var stream = new MemoryStream();
        part.Content?.DecodeTo(stream);
        return stream.ToArray();
    }

    [GeneratedRegex(@"\[#(\d{1,12})\]")]
    private static partial Regex CaseToken();
}
