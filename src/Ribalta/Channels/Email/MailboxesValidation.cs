using System.Net;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Localization;

namespace Ribalta.Channels.Email;

/// <summary>An admin's mailbox settings checked, then written onto the mailbox.</summary>
internal sealed partial class MailboxService
{
    private async Task<Error?> ApplyAsync(Mailbox mailbox, MailboxInput input, bool creating, CancellationToken ct)
    {
        var v = new ValidationBuilder()
            .Required("name", input.Name, 100).NoControlCharacters("name", input.Name)
            .Required("senderName", input.SenderName, 100).NoControlCharacters("senderName", input.SenderName)
            .Required("address", input.Address, 254)
            .Required("inboundHost", input.InboundHost, 253)
            .Required("inboundUser", input.InboundUser, 254).NoControlCharacters("inboundUser", input.InboundUser)
            .MaxLength("inboundPassword", input.InboundPassword, 500).MaxLength("smtpPassword", input.SmtpPassword, 500)
            .MaxLength("smtpHost", input.SmtpHost, 253).MaxLength("smtpUser", input.SmtpUser, 254).NoControlCharacters("smtpUser", input.SmtpUser)
            .MaxLength("folder", input.Folder, 200).NoControlCharacters("folder", input.Folder);
        if (!string.IsNullOrWhiteSpace(input.Address))
        {
            v.Email("address", input.Address.Trim());
        }

        if (input.InboundProtocol is { } protocol && !Enum.IsDefined(protocol))
        {
            v.Add("inboundProtocol", "Validation.Invalid");
        }

        foreach (var (field, security) in new[] { ("inboundSecurity", input.InboundSecurity), ("smtpSecurity", input.SmtpSecurity) })
        {
            if (security is { } s && !Enum.IsDefined(s))
            {
                v.Add(field, "Validation.Invalid");
            }
        }

        if (input.AfterImport is { } after && !Enum.IsDefined(after))
        {
            v.Add("afterImport", "Validation.Invalid");
        }

        if (input.DepartmentId is { } department && !await db.Set<Platform.Identity.Department>().AnyAsync(d => d.Id == department, ct))
        {
            v.Add("departmentId", "Validation.DepartmentUnknown");
        }

        var inboundSecurity = input.InboundSecurity ?? MailSecurity.Tls;
        var smtpSecurity = input.SmtpSecurity ?? MailSecurity.StartTls;
        CheckHost(v, "inboundHost", input.InboundHost, inboundSecurity);
        CheckHost(v, "smtpHost", input.SmtpHost, smtpSecurity);
        foreach (var (field, port) in new[] { ("inboundPort", input.InboundPort), ("smtpPort", input.SmtpPort) })
        {
            if (port is < 1 or > 65535)
            {
                v.Add(field, "Validation.Port");
            }
        }

        if (input.PollSeconds is < 10 or > 3600)
        {
            v.Add("pollSeconds", "Validation.PollSeconds", 10, 3600);
        }

        // A stored password goes only to the server it was given for: a new server (or user) needs it typed again.
        var inboundMoved = !creating && (!string.Equals(mailbox.InboundHost, input.InboundHost?.Trim(), StringComparison.OrdinalIgnoreCase)
            || !string.Equals(mailbox.InboundUser, input.InboundUser?.Trim(), StringComparison.Ordinal)
            || (input.InboundPort is { } inPort && inPort != mailbox.InboundPort) || inboundSecurity != mailbox.InboundSecurity);
        if ((creating || inboundMoved) && string.IsNullOrEmpty(input.InboundPassword))
        {
            v.Add("inboundPassword", "Validation.Required");
        }

        var smtpMoved = !creating && mailbox.ProtectedSmtpPassword is not null && (!string.Equals(mailbox.SmtpHost, input.SmtpHost?.Trim(), StringComparison.OrdinalIgnoreCase)
            || !string.Equals(mailbox.SmtpUser, string.IsNullOrWhiteSpace(input.SmtpUser) ? null : input.SmtpUser.Trim(), StringComparison.Ordinal)
            || (input.SmtpPort is { } smtpPort && smtpPort != mailbox.SmtpPort) || smtpSecurity != mailbox.SmtpSecurity);
        if (smtpMoved && string.IsNullOrEmpty(input.SmtpPassword))
        {
            v.Add("smtpPassword", "Validation.Required");
        }

        foreach (var (language, text) in input.Signatures ?? new Dictionary<string, string>())
        {
            if (!SupportedCultures.IsSupported(language))
            {
                v.Add("signatures", "Validation.LanguageUnsupported", language ?? "");
            }

            v.MaxLength($"signatures.{language}", text, SignatureMax).NoControlCharacters($"signatures.{language}", text);
        }

        if (v.ToError() is { } invalid)
        {
            return invalid;
        }

        var address = input.Address!.Trim().ToLowerInvariant();
        if (await db.Set<Mailbox>().AnyAsync(m => m.Address == address && m.Id != mailbox.Id, ct))
        {
            return Error.Validation("address", "Validation.MailboxAddressTaken");
        }

        var inboundProtocol = input.InboundProtocol ?? MailProtocol.Imap;
        mailbox.Name = input.Name!.Trim();
        mailbox.Address = address;
        mailbox.SenderName = input.SenderName!.Trim();
        mailbox.Enabled = input.Enabled ?? true;
        mailbox.InboundProtocol = inboundProtocol;
        mailbox.InboundHost = input.InboundHost!.Trim();
        mailbox.InboundSecurity = inboundSecurity;
        mailbox.InboundPort = input.InboundPort ?? (inboundProtocol, inboundSecurity) switch
        {
            (MailProtocol.Imap, MailSecurity.Tls) => 993,
            (MailProtocol.Imap, _) => 143,
            (_, MailSecurity.Tls) => 995,
            _ => 110,
        };
        mailbox.InboundUser = input.InboundUser!.Trim();
        if (!string.IsNullOrEmpty(input.InboundPassword))
        {
            mailbox.ProtectedInboundPassword = Protector.Protect(input.InboundPassword);
        }

        mailbox.Folder = string.IsNullOrWhiteSpace(input.Folder) ? "INBOX" : input.Folder.Trim();
        mailbox.AfterImport = input.AfterImport ?? AfterImport.MarkSeen;
        mailbox.PollSeconds = input.PollSeconds ?? 60;
        mailbox.DepartmentId = input.DepartmentId;
        mailbox.SmtpHost = string.IsNullOrWhiteSpace(input.SmtpHost) ? null : input.SmtpHost.Trim();
        mailbox.SmtpSecurity = smtpSecurity;
        mailbox.SmtpPort = mailbox.SmtpHost is null ? 0 : input.SmtpPort ?? smtpSecurity switch { MailSecurity.Tls => 465, MailSecurity.StartTls => 587, _ => 25 };
        mailbox.SmtpUser = string.IsNullOrWhiteSpace(input.SmtpUser) ? null : input.SmtpUser.Trim();
        if (!string.IsNullOrEmpty(input.SmtpPassword))
        {
            mailbox.ProtectedSmtpPassword = Protector.Protect(input.SmtpPassword);
        }
        else if (mailbox.SmtpHost is null)
        {
            mailbox.ProtectedSmtpPassword = null;
        }

        if (input.Signatures is not null)
        {
            mailbox.Signatures = input.Signatures.Where(s => !string.IsNullOrWhiteSpace(s.Value)).ToDictionary(s => s.Key, s => s.Value.Trim());
        }

        if (input.IsDefault is { } isDefault)
        {
            mailbox.IsDefault = isDefault;
            if (isDefault)
            {
                // One default: choosing this one stops the others being it, in the same transaction as the save.
                foreach (var other in await db.Set<Mailbox>().Where(m => m.IsDefault && m.Id != mailbox.Id).ToListAsync(ct))
                {
                    other.IsDefault = false;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// A host name or address the outbound guard lets Ribalta call (this machine and special-purpose addresses only when
    /// allowed in Outbound:AllowedHosts; names are checked again, by their addresses, at every connection); plain
    /// (unencrypted) connections only to this machine.
    /// </summary>
    private void CheckHost(ValidationBuilder v, string field, string? host, MailSecurity security)
    {
        if (string.IsNullOrWhiteSpace(host))
        {
            return;
        }

        var trimmed = host.Trim();
        if (Uri.CheckHostName(trimmed) == UriHostNameType.Unknown)
        {
            v.Add(field, "Validation.Host");
        }
        else if (!guard.MayCall(trimmed))
        {
            v.Add(field, "Validation.OutboundAddress", trimmed);
        }
        else if (security == MailSecurity.None && !IsLoopback(trimmed))
        {
            v.Add(field, "Validation.MailTlsRequired");
        }
    }

    public static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
}
