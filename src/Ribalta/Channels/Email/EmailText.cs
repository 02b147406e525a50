using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Ribalta.Channels.Email;

/// <summary>
/// What a person reads in an email: HTML turned into text, and the quoted history and signature cut off so the case
/// shows the customer's new words (the original message is kept whole). Knows the reply headers of the common mail
/// programs in English, Italian, Spanish and Arabic.
/// </summary>
internal static partial class EmailText
{
    private static readonly HtmlParser Parser = new();

    /// <summary>HTML larger than this is not parsed into a document (a deeply nested one takes seconds per 100 KB).</summary>
    public const int MaxHtmlToParse = 256 * 1024;

    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol", "hr", "section", "article", "header", "footer",
    };

    /// <summary>The text of an HTML body, paragraphs as lines; with <paramref name="withoutQuotes"/> the quoted history is left out.</summary>
    public static string FromHtml(string html, bool withoutQuotes)
    {
        if (html.Length > MaxHtmlToParse)
        {
            // Too big (or too deep) to build a document for in good time: the tags dropped, the text kept.
            return Normalize(System.Net.WebUtility.HtmlDecode(Tags().Replace(Regex.Replace(html, @"(?is)<(script|style)\b.*?</\1\s*>", ""), " ")));
        }

        var document = Parser.ParseDocument(html);
        foreach (var element in document.QuerySelectorAll("script, style, head, title").ToList())
        {
            element.Remove();
        }

        if (withoutQuotes)
        {
            RemoveQuotedHtml(document);
        }

        var text = new StringBuilder();
        Append(document.Body ?? document.DocumentElement, text);
        return Normalize(text.ToString());
    }

    /// <summary>Gmail's quote block, Apple's cited blockquote, Outlook's reply header and all that follows it.</summary>
    private static void RemoveQuotedHtml(IDocument document)
    {
        foreach (var element in document.QuerySelectorAll(".gmail_quote, .gmail_signature, blockquote[type=cite], .moz-cite-prefix, .yahoo_quoted, #appendonsend").ToList())
        {
            element.Remove();
        }

        // Outlook: everything from its reply header on (a div with that id, or the rule before "From:" / "Da:" / "De:").
        if (document.QuerySelector("#divRplyFwdMsg, #x_divRplyFwdMsg") is { } header)
        {
            RemoveFrom(header);
        }
    }

    private static void RemoveFrom(IElement start)
    {
        var node = (INode)start;
        // Remove the node, its following siblings, and the following siblings of each ancestor up to the body.
        while (node is not null && node is not IElement { LocalName: "body" })
        {
            var parent = node.Parent;
            var next = node.NextSibling;
            while (next is not null)
            {
                var following = next.NextSibling;
                parent?.RemoveChild(next);
                next = following;
            }

            if (node == start)
            {
                parent?.RemoveChild(node);
            }

            node = parent!;
        }
    }

    private static void Append(INode? node, StringBuilder text)
    {
        if (node is null)
        {
            return;
        }

        foreach (var child in node.ChildNodes)
        {
            switch (child)
            {
                case IText t:
                    text.Append(Regex.Replace(t.Data, @"\s+", " "));
                    break;
                case IElement e when e.LocalName == "br":
                    text.Append('\n');
                    break;
                case IElement e when e.LocalName == "img":
                    break;
                case IElement e:
                    var block = Blocks.Contains(e.LocalName);
                    if (block)
                    {
                        text.Append('\n');
                    }

                    if (e.LocalName == "li")
                    {
                        text.Append("• ");
                    }

                    Append(e, text);
                    if (e.LocalName is "td" or "th")
                    {
                        text.Append(' ');
                    }

                    if (block)
                    {
                        text.Append('\n');
                    }

                    break;
            }
        }
    }

    /// <summary>Line ends as \n, no control characters but tabs, no trailing spaces, at most one blank line in a row.</summary>
    public static string Normalize(string text)
    {
        var cleaned = new StringBuilder(text.Length);
        foreach (var c in text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n'))
        {
            if (c is '\n' or '\t' || !char.IsControl(c))
            {
                cleaned.Append(c == '\u00A0' ? ' ' : c);
            }
        }

        var lines = cleaned.ToString().Split('\n').Select(l => l.TrimEnd());
        var result = new StringBuilder();
        var blank = 0;
        foreach (var line in lines)
        {
            blank = line.Trim().Length == 0 ? blank + 1 : 0;
            if (blank <= 1)
            {
                result.Append(line.Trim().Length == 0 ? "" : line).Append('\n');
            }
        }

        return result.ToString().Trim();
    }

    /// <summary>The new words of a plain-text reply: cut at the first reply header, quote block or signature.</summary>
    public static string StripQuoted(string text)
    {
        var lines = Normalize(text).Split('\n');
        var cut = lines.Length;

        // Where the trailing run of quoted (or blank) lines starts: one pass from the end, so the scan stays linear.
        var quotedTail = lines.Length;
        while (quotedTail > 0 && (lines[quotedTail - 1].TrimStart().StartsWith('>') || lines[quotedTail - 1].Trim().Length == 0))
        {
            quotedTail--;
        }

        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (Forwarded().IsMatch(line))
            {
                // What follows was forwarded on purpose: it is the customer's content, headers and all.
                break;
            }

            var withNext = i + 1 < lines.Length ? line + " " + lines[i + 1].Trim() : line;
            if (IsSignatureStart(lines[i]) || IsSentFrom(line) || IsSeparator(line) || IsReplyHeader(line) || IsReplyHeader(withNext) || IsHeaderBlock(lines, i))
            {
                cut = i;
                break;
            }

            // A run of quoted lines with nothing of the writer's own after it: the history.
            if (line.StartsWith('>') && i >= quotedTail)
            {
                cut = i;
                break;
            }
        }

        var kept = Normalize(string.Join('\n', lines.Take(cut)));
        return kept.Length > 0 ? kept : Normalize(text);
    }

    private static bool IsSignatureStart(string line) => line is "-- " or "--";

    private static bool IsSentFrom(string line) => SentFrom().IsMatch(line);

    private static bool IsSeparator(string line) => OriginalMessage().IsMatch(line);

    private static bool IsReplyHeader(string line) => line.Length < 400 && ReplyHeader().IsMatch(line);

    /// <summary>Outlook's plain header block: "From:" then "Sent:" or "Date:" within the next lines (and their Italian, Spanish, Arabic forms).</summary>
    private static bool IsHeaderBlock(string[] lines, int i)
    {
        if (!HeaderFrom().IsMatch(lines[i].Trim()))
        {
            return false;
        }

        for (var j = i + 1; j < Math.Min(lines.Length, i + 5); j++)
        {
            if (HeaderSent().IsMatch(lines[j].Trim()))
            {
                return true;
            }
        }

        return false;
    }

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"^(Sent from my |Sent from Outlook|Get Outlook for |Inviato da(l mio)? |Enviado desde (mi )?|Enviado do meu |أُ?رسلت من |تم الإرسال من )", RegexOptions.IgnoreCase)]
    private static partial Regex SentFrom();

    [GeneratedRegex(@"^-{2,}\s*(Forwarded message|Messaggio inoltrato|Mensaje reenviado|Begin forwarded message:|رسالة معاد توجيهها)|^Begin forwarded message:|^Inizio messaggio inoltrato:|^Inicio del mensaje reenviado:", RegexOptions.IgnoreCase)]
    private static partial Regex Forwarded();

    [GeneratedRegex(@"^-{2,}\s*(Original Message|Messaggio originale|Mensaje original|Message d'origine|الرسالة الأصلية)\s*-{2,}$", RegexOptions.IgnoreCase)]
    private static partial Regex OriginalMessage();

    // "On … wrote:", "Il giorno … ha scritto:", "El … escribió:", "Le … a écrit :", "في … كتب …:" / "… كتب:".
    [GeneratedRegex(@"^(On\s.+\swrote:|Il (giorno\s)?.+\sha scritto:|El\s.+\sescribi[oó]:|Le\s.+\sa [ée]crit\s?:|في\s.+كتب.*:|.+\sكتب:)$", RegexOptions.IgnoreCase)]
    private static partial Regex ReplyHeader();

    [GeneratedRegex(@"^\*?(From|Da|De|Von|من)\s?:\*?\s", RegexOptions.IgnoreCase)]
    private static partial Regex HeaderFrom();

    [GeneratedRegex(@"^\*?(Sent|Date|Inviato|Data|Enviado|Fecha|Gesendet|أرسل|التاريخ)\s?:\*?\s", RegexOptions.IgnoreCase)]
    private static partial Regex HeaderSent();
}
