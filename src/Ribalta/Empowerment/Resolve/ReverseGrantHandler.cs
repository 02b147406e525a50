using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Ribalta.Empowerment.Contracts.Events;
using Ribalta.Empowerment.Data;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;

namespace Ribalta.Empowerment.Resolve;

/// <summary>
/// A manager takes a grant back, with a reason: it stays on record (who, when, why), no longer counts against any
/// limit, and the event says so. A grant is reversed once.
/// </summary>
internal sealed class ReverseGrantHandler(RibaltaDbContext db, EnvelopeLedgers ledgers, TimeProvider clock)
{
    public async Task<Result<GrantDto>> ReverseAsync(Actor manager, long grantId, string? reason, CancellationToken ct)
    {
        var v = new ValidationBuilder().Required("reason", reason, GrantHandler.ReasonMax).NoControlCharacters("reason", reason);
        if (v.ToError() is { } invalid)
        {
            return invalid;
        }

        // A grant or another reversal of the same person's committed meanwhile: look again (then it may be reversed already).
        return await ConflictRetry.RunOrTryAgainAsync(db, () => ReverseOnceAsync(manager, grantId, reason!.Trim(), ct), ct);
    }

    private async Task<Result<GrantDto>> ReverseOnceAsync(Actor manager, long grantId, string reason, CancellationToken ct)
    {
        var grant = await db.Set<Grant>().AsNoTracking().FirstOrDefaultAsync(g => g.Id == grantId, ct);
        if (grant is null || !Guid.TryParse(manager.Id, out var managerId))
        {
            return Error.NotFound();
        }

        if (grant.GrantedBy == managerId)
        {
            // Taking back one's own grant would give one's own budget back: another lead or manager does it.
            return Error.Forbidden("Error.ReverseOwnGrant");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);

        // The granter's version row orders this against their grants, so their month's total is never overwritten.
        var touched = await ledgers.TouchAsync([$"agent:{grant.GrantedBy:N}"], ct);
        var now = clock.GetUtcNow();
        var taken = await db.Set<Grant>().Where(g => g.Id == grantId && g.ReversedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(g => g.ReversedAt, now).SetProperty(g => g.ReversedBy, managerId).SetProperty(g => g.ReversalReason, reason), ct);
        if (taken == 0)
        {
            return Error.Conflict("Error.GrantReversed");
        }

        if (grant.Money is { } amount)
        {
            await ledgers.AddToTotalAsync(grant.GrantedBy, grant.OptionId, amount, grant.GrantedAt, -1, ct);
        }

        foreach (var ledger in touched)
        {
            ledger.Version++;
        }

        db.Append(
            clock,
            manager,
            new GrantReversed(grant.Id, grant.Money?.ToString(), grant.Quantity, grant.GrantedByName, reason),
            "case",
            grant.CaseId.ToString(CultureInfo.InvariantCulture),
            grant.CustomerId);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        var option = await db.Set<ResolutionOption>().AsNoTracking().FirstAsync(o => o.Id == grant.OptionId, ct);
        var reversed = await db.Set<Grant>().AsNoTracking().FirstAsync(g => g.Id == grantId, ct);
        return GrantDto.From(reversed, option);
    }
}
