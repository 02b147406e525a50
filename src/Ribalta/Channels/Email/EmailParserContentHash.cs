using System.Security.Cryptography;
using System.Text;
using MimeKit;

namespace Ribalta.Channels.Email;

/// <summary>What makes two mails without a Message-ID the same mail.</summary>
internal static partial class EmailParser
{
    /// <summary>
    /// For mail without a Message-ID: the whole message as its sender wrote it, every header and every part (text,
    /// HTML, attachments), so two mails that differ anywhere are two mails. Only the trace headers servers add on the
    /// way are left out, so the same mail delivered to two of our addresses is still one.
    /// </summary>
    private static string ContentHash(MimeMessage message)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var header in message.Headers.Where(h => !TraceHeaders.Contains(h.Field)))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(header.Field.ToLowerInvariant() + ":"));
            hash.AppendData(WithoutCarriageReturns(header.RawValue));
        }

        using (var body = new MemoryStream())
        {
            message.Body?.WriteTo(body);
            hash.AppendData(WithoutCarriageReturns(body.ToArray()));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Line ends as LF only: a server may hand the same mail back with CRLF where it was written with LF.</summary>
    private static byte[] WithoutCarriageReturns(byte[] bytes) => Array.IndexOf(bytes, (byte)'\r') < 0 ? bytes : bytes.Where(b => b != (byte)'\r').ToArray();

    private static readonly HashSet<string> TraceHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Received", "Return-Path", "Delivered-To", "X-Original-To", "X-Received", "Authentication-Results", "ARC-Seal",
        "ARC-Message-Signature", "ARC-Authentication-Results", "Received-SPF", "X-Spam-Status", "X-Spam-Score", "X-Spam-Flag",
        "X-Spam-Level", "X-Virus-Scanned", "Status", "X-Status", "X-UID", "X-Keywords", "Content-Length", "Lines",
    };
}
