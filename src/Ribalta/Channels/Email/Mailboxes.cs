using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Ribalta.Channels.Contracts.Events;
using Ribalta.Cases.Contracts.Events;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Localization;

namespace Ribalta.Channels.Email;

/// <summary>The admins' side of mailboxes: create, edit, remove, with secrets protected at rest.</summary>
internal sealed partial class MailboxService(RibaltaDbContext db, IDataProtectionProvider protection, Platform.Net.OutboundAddressGuard guard, TimeProvider clock) : Cases.Contracts.IChannelDoors
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

    private static string Inbound(Mailbox m) => $"{m.InboundProtocol} {m.InboundHost}:{m.InboundPort} {m.InboundSecurity}";

    private static string? Smtp(Mailbox m) => m.SmtpHost is null ? null : $"{m.SmtpHost}:{m.SmtpPort} {m.SmtpSecurity}";

    public static MailboxDto ToDto(Mailbox m) => new(
        m.Id, m.Name, m.Address, m.SenderName, m.Enabled, m.InboundProtocol, m.InboundHost, m.InboundPort, m.InboundSecurity, m.InboundUser,
        m.ProtectedInboundPassword is not null, m.Folder, m.AfterImport, m.PollSeconds, m.SmtpHost, m.SmtpPort, m.SmtpSecurity, m.SmtpUser,
        m.ProtectedSmtpPassword is not null, m.Signatures, m.IsDefault, m.LastPolledAt, m.LastError, m.ImportedCount, m.CreatedAt, m.DepartmentId);
}
