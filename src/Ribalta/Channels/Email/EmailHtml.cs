using Ganss.Xss;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using Ribalta.Cases.Contracts;
using Ribalta.Platform.Data;
using Ribalta.Platform.Storage;

namespace Ribalta.Channels.Email;

/// <summary>
/// An inbound email's HTML made safe to look at: cleaned by HtmlSanitizer (no scripts, handlers, frames, forms or
/// dangerous URLs), inline images embedded from the stored files, and remote images blocked until an agent allows
/// them (they tell the sender the mail was read). Served as its own document, with a CSP that allows no script, into
/// a sandboxed frame.
/// </summary>
internal sealed class EmailHtml(RibaltaDbContext db, IBlobStore blobs, ICaseFiles caseFiles)
{
    private const long InlineImageMax = 2 * 1024 * 1024;

    /// <summary>The content security policy of the served document; remote images only when allowed.</summary>
    public static string Policy(bool remoteImages) =>
        $"default-src 'none'; img-src data:{(remoteImages ? " https: http:" : "")}; style-src 'unsafe-inline'; font-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

    /// <summary>The sanitised HTML of the email behind a staff-visible message; null when there is none.</summary>
    public async Task<string?> RenderAsync(long caseId, long messageId, bool remoteImages, CancellationToken ct)
    {
        var record = await db.Set<EmailRecord>().AsNoTracking()
            .FirstOrDefaultAsync(e => e.MessageId == messageId && e.CaseId == caseId && e.Direction == EmailDirection.Inbound, ct);
        if (record?.EmlSha256 is not { } sha || !record.HasHtml)
        {
            return null;
        }

        await using var stream = blobs.OpenRead(sha);
        if (stream is null)
        {
            return null;
        }

        var message = await MimeMessage.LoadAsync(stream, ct);
        var html = message.HtmlBody;
        if (html is null || html.Length > EmailText.MaxHtmlToParse)
        {
            // Too large to clean in good time: the text and the original stay available.
            return null;
        }

        var images = await InlineImagesAsync(record, ct);
        return Sanitize(html, images, remoteImages);
    }

    /// <summary>The original message as received, for download.</summary>
    public async Task<(Stream Content, string Subject)?> OriginalAsync(long caseId, long messageId, CancellationToken ct)
    {
        var record = await db.Set<EmailRecord>().AsNoTracking()
            .FirstOrDefaultAsync(e => e.MessageId == messageId && e.CaseId == caseId && e.Direction == EmailDirection.Inbound, ct);
        return record?.EmlSha256 is { } sha && blobs.OpenRead(sha) is { } stream ? (stream, record.Subject) : null;
    }

    public static string Sanitize(string html, IReadOnlyDictionary<string, string> inlineImages, bool remoteImages)
    {
        var sanitizer = new HtmlSanitizer();
        sanitizer.AllowedSchemes.Clear();
        sanitizer.AllowedSchemes.Add("https");
        sanitizer.AllowedSchemes.Add("http");
        sanitizer.AllowedSchemes.Add("mailto");
        sanitizer.AllowedSchemes.Add("cid");
        sanitizer.AllowedSchemes.Add("data");
        sanitizer.AllowedTags.Remove("form");
        sanitizer.AllowedCssProperties.Remove("position");
        sanitizer.AllowedAttributes.Add("dir");
        sanitizer.AllowedAttributes.Add("lang");
        sanitizer.FilterUrl += (_, e) =>
        {
            // data: only for images, and only images (no data:text/html links).
            if (e.OriginalUrl.StartsWith("data:", StringComparison.OrdinalIgnoreCase) && !(e.Tag.NodeName == "IMG" && e.OriginalUrl.StartsWith("data:image/", StringComparison.OrdinalIgnoreCase)))
            {
                e.SanitizedUrl = null;
            }
        };
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is AngleSharp.Dom.IElement element)
            {
                if (element.LocalName == "img" && element.GetAttribute("src") is { } src)
                {
                    if (src.StartsWith("cid:", StringComparison.OrdinalIgnoreCase))
                    {
                        var cid = src[4..].Trim('<', '>');
                        if (inlineImages.TryGetValue(cid, out var data))
                        {
                            element.SetAttribute("src", data);
                        }
                        else
                        {
                            element.RemoveAttribute("src");
                        }
                    }
                    else if (!remoteImages && !src.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
                    {
                        element.RemoveAttribute("src");
                        element.RemoveAttribute("srcset");
                        element.SetAttribute("data-blocked", "remote");
                        element.SetAttribute("style", "border:1px dashed #999;min-width:16px;min-height:16px;display:inline-block");
                    }
                }

                if (element.LocalName == "a")
                {
                    element.SetAttribute("target", "_blank");
                    element.SetAttribute("rel", "noopener noreferrer nofollow");
                }
            }
        };
        sanitizer.AllowedAttributes.Add("target");
        sanitizer.AllowedAttributes.Add("data-blocked");

        // Remote background images in CSS count as remote images too.
        if (!remoteImages)
        {
            sanitizer.AllowedCssProperties.Remove("background-image");
            sanitizer.AllowedCssProperties.Remove("background");
            sanitizer.AllowedCssProperties.Remove("list-style-image");
            sanitizer.AllowedCssProperties.Remove("content");
        }

        var body = sanitizer.Sanitize(html);
        return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta name=\"referrer\" content=\"no-referrer\">"
            + "<style>body{font-family:system-ui,sans-serif;margin:8px;overflow-wrap:anywhere}img{max-width:100%;height:auto}</style></head><body>"
            + body + "</body></html>";
    }

    private async Task<Dictionary<string, string>> InlineImagesAsync(EmailRecord record, CancellationToken ct)
    {
        var ids = record.InlineImages.Values.ToList();
        var files = await caseFiles.FindAsync(ids, ct);
        var images = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (cid, id) in record.InlineImages)
        {
            if (files.TryGetValue(id, out var file) && ContentSniffer.IsImage(file.ContentType) && file.Size <= InlineImageMax && blobs.OpenRead(file.Sha256) is { } stream)
            {
                await using (stream)
                {
                    using var copy = new MemoryStream();
                    await stream.CopyToAsync(copy, ct);
                    images[cid] = $"data:{file.ContentType};base64,{Convert.ToBase64String(copy.ToArray())}";
                }
            }
        }

        return images;
    }
}
