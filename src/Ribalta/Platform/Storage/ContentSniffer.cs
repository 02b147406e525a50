using System.Text;

namespace Ribalta.Platform.Storage;

/// <summary>
/// Decides what a file is from its first bytes, never from its name: an executable called invoice.pdf is not a PDF.
/// Only the types on this list are accepted.
/// </summary>
public static class ContentSniffer
{
    public static readonly IReadOnlyList<string> Allowed = ["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"];

    public static string? Detect(ReadOnlySpan<byte> content)
    {
        if (content.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return "image/png";
        }

        if (content.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return "image/jpeg";
        }

        if (content.StartsWith("GIF87a"u8) || content.StartsWith("GIF89a"u8))
        {
            return "image/gif";
        }

        if (content.Length >= 12 && content.StartsWith("RIFF"u8) && content[8..12].SequenceEqual("WEBP"u8))
        {
            return "image/webp";
        }

        if (content.StartsWith("%PDF-"u8))
        {
            return "application/pdf";
        }

        return IsText(content) ? "text/plain" : null;
    }

    public static bool IsImage(string contentType) => contentType.StartsWith("image/", StringComparison.Ordinal);

    /// <summary>Valid UTF-8 without NUL or other binary control bytes.</summary>
    private static bool IsText(ReadOnlySpan<byte> content)
    {
        if (content.IsEmpty)
        {
            return false;
        }

        foreach (var b in content)
        {
            if (b == 0 || (b < 0x20 && b is not (byte)'\n' and not (byte)'\r' and not (byte)'\t' and not 0x0C))
            {
                return false;
            }
        }

        try
        {
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetCharCount(content);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
