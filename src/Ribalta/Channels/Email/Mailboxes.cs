using System.Net;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Ribalta.Channels.Contracts.Events;
using Ribalta.Cases.Contracts.Events;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Localization;

namespace Ribalta.Channels.Email;

/// <summary>
/// A mailbox as an admin sets it. Passwords are write-only: leave them empty on an edit to keep the stored ones.
/// Ports default to the protocol's usual one for the security chosen. New cases from it start in its department,
/// else in the organisation's department for new requests.
/// </summary>
public sealed record MailboxInput(
    string? Name,
    string? Address,
    string? SenderName,
    bool? Enabled = null,
    MailProtocol? InboundProtocol = null,
    string? InboundHost = null,
    int? InboundPort = null,
    MailSecurity? InboundSecurity = null,
    string? InboundUser = null,
    string? InboundPassword = null,
    string? Folder = null,
    AfterImport? AfterImport = null,
    int? PollSeconds = null,
    string? SmtpHost = null,
    int? SmtpPort = null,
    MailSecurity? SmtpSecurity = null,
    string? SmtpUser = null,
    string? SmtpPassword = null,
    IReadOnlyDictionary<string, string>? Signatures = null,
    bool? IsDefault = null,
    Guid? DepartmentId = null);

/// <summary>A mailbox as shown back: never its passwords, only whether they are set.</summary>
public sealed record MailboxDto(
    Guid Id,
    string Name,
    string Address,
    string SenderName,
    bool Enabled,
    MailProtocol InboundProtocol,
    string InboundHost,
    int InboundPort,
    MailSecurity InboundSecurity,
    string InboundUser,
    bool HasInboundPassword,
    string Folder,
    AfterImport AfterImport,
    int PollSeconds,
    string? SmtpHost,
    int SmtpPort,
    MailSecurity SmtpSecurity,
    string? SmtpUser,
    bool HasSmtpPassword,
    IReadOnlyDictionary<string, string> Signatures,
    bool IsDefault,
    DateTimeOffset? LastPolledAt,
    string? LastError,
    long ImportedCount,
    DateTimeOffset CreatedAt,
    Guid? DepartmentId);

/// <summary>What one check of a mailbox did.</summary>
public sealed record PollResult(int Fetched, int Landed, int Duplicates, int Automatic, int TooLarge, int Failed, string? Error, int SetAside = 0);

/// <summary>The admins' side of mailboxes: create, edit, remove, with secrets protected at rest.</summary>
internal sealed class MailboxService(RibaltaDbContext db, IDataProtectionProvider protection, Platform.Net.OutboundAddressGuard guard, TimeProvider clock) : Cases.Contracts.IChannelDoors
{
    async Task<IReadOnlyList<Cases.Contracts.ChannelDoor>> Cases.Contracts.IChannelDoors.DoorsAsync(CancellationToken ct) =>
        (await ListAsync(ct)).Select(m => new Cases.Contracts.ChannelDoor(Cases.Contracts.ChannelDoorKind.Mailbox, m.Name, m.Address, m.DepartmentId)).ToList();

    public const int SignatureMax = 2000;

    private IDataProtector Protector => protection.CreateProtector("Ribalta.Mailboxes.Password");

    public string? Reveal(string? protectedSecret) => string.IsNullOrEmpty(protectedSecret) ? null : Protector.Unprotect(protectedSecret);

    public async Task<IReadOnlyList<MailboxDto>> ListAsync(CancellationToken ct) =>
        (await db.Set<Mailbox>().AsNoTracking().OrderBy(m => m.Name).ToListAsync(ct)).Select(ToDto).ToList();

    public async Task<Result<MailboxDto>> GetAsync(Guid id, CancellationToken ct) =>
        await db.Set<Mailbox>().AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, ct) is { } mailbox ? ToDto(mailbox) : Error.NotFound();

    public async Task<Result<MailboxDto>> CreateAsync(Actor actor, MailboxInput input, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var mailbox = new Mailbox { Name = "", Address = "", SenderName = "", InboundHost = "", InboundUser = "", CreatedAt = now };
        if (await ApplyAsync(mailbox, input, creating: true, ct) is { } invalid)
        {
            return invalid;
        }

        mailbox.UpdatedAt = now;
        db.Add(mailbox);
        db.Append(clock, actor, new MailboxCreated(mailbox.Name, mailbox.Address, mailbox.Enabled, mailbox.DepartmentId, Inbound(mailbox), Smtp(mailbox)), "mailbox", mailbox.Id.ToString());
        return await SaveAsync(mailbox, ct);
    }

    public async Task<Result<MailboxDto>> UpdateAsync(Actor actor, Guid id, MailboxInput input, CancellationToken ct)
    {
        var mailbox = await db.Set<Mailbox>().FirstOrDefaultAsync(m => m.Id == id, ct);
        if (mailbox is null)
        {
            return Error.NotFound();
        }

        if (await ApplyAsync(mailbox, input, creating: false, ct) is { } invalid)
        {
            return invalid;
        }

        mailbox.UpdatedAt = clock.GetUtcNow();
        db.Append(clock, actor, new MailboxUpdated(mailbox.Name, mailbox.Address, mailbox.Enabled, mailbox.DepartmentId, Inbound(mailbox), Smtp(mailbox)), "mailbox", mailbox.Id.ToString());
        return await SaveAsync(mailbox, ct);
    }

    /// <summary>Removes a mailbox that never sent mail; one with history can only be turned off, so its record stays whole.</summary>
    public async Task<Result<bool>> DeleteAsync(Actor actor, Guid id, CancellationToken ct)
    {
        var mailbox = await db.Set<Mailbox>().FirstOrDefaultAsync(m => m.Id == id, ct);
        if (mailbox is null)
        {
            return Error.NotFound();
        }

        if (await db.Set<OutboundEmail>().AnyAsync(o => o.MailboxId == id, ct))
        {
            return Error.Conflict("Error.MailboxHasHistory");
        }

        db.Remove(mailbox);
        db.Append(clock, actor, new MailboxDeleted(mailbox.Address), "mailbox", mailbox.Id.ToString());
        await db.SaveChangesAsync(ct);
        return true;
    }

    private async Task<Result<MailboxDto>> SaveAsync(Mailbox mailbox, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return ToDto(mailbox);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            db.ChangeTracker.Clear();
            return Error.Validation("address", "Validation.MailboxAddressTaken");
        }
    }

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

    private static string Inbound(Mailbox m) => $"{m.InboundProtocol} {m.InboundHost}:{m.InboundPort} {m.InboundSecurity}";

    private static string? Smtp(Mailbox m) => m.SmtpHost is null ? null : $"{m.SmtpHost}:{m.SmtpPort} {m.SmtpSecurity}";

    public static MailboxDto ToDto(Mailbox m) => new(
        m.Id, m.Name, m.Address, m.SenderName, m.Enabled, m.InboundProtocol, m.InboundHost, m.InboundPort, m.InboundSecurity, m.InboundUser,
        m.ProtectedInboundPassword is not null, m.Folder, m.AfterImport, m.PollSeconds, m.SmtpHost, m.SmtpPort, m.SmtpSecurity, m.SmtpUser,
        m.ProtectedSmtpPassword is not null, m.Signatures, m.IsDefault, m.LastPolledAt, m.LastError, m.ImportedCount, m.CreatedAt, m.DepartmentId);
}
