using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Ribalta.Empowerment.Contracts;
using Ribalta.Empowerment.Data;
using Ribalta.Empowerment.Domain;
using Ribalta.Platform.Data;

namespace Ribalta.Empowerment.Resolve;

/// <summary>
/// What envelope limits count, kept beside the grants: a customer's grants, each person's running totals of the month
/// (<see cref="EnvelopeTotal"/>), and the version rows (<see cref="EnvelopeLedger"/>) that make two grants to one
/// customer, or by one person, commit one after the other. Shares the scope's context with the handler that writes.
/// </summary>
internal sealed class EnvelopeLedgers(RibaltaDbContext db, IOptions<EmpowermentOptions> options, TimeProvider clock)
{
    private TimeZoneInfo? _zone;

    /// <summary>The organisation's time zone, in which a monthly budget's month begins and ends.</summary>
    public TimeZoneInfo Zone => _zone ??= TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);

    /// <summary>
    /// What counts now: the customer's grants (for the per-customer limits; ten years is the longest look-back) and, for
    /// the monthly budgets, this person's running totals of the month, one row per option and currency.
    /// </summary>
    public async Task<List<PriorGrant>> PriorAsync(Guid customerId, Guid agentId, CancellationToken ct, bool keep = false)
    {
        var now = clock.GetUtcNow();
        var since = now.AddDays(-3650);
        var customerRows = await db.Set<Grant>().AsNoTracking()
            .Where(g => g.ReversedAt == null && g.CustomerId == customerId && g.GrantedAt > since)
            .Select(g => new { g.OptionId, g.Amount, g.Currency, g.Quantity, g.GrantedAt })
            .ToListAsync(ct);
        var month = MonthOf(now);
        var monthStart = EnvelopeEvaluator.MonthStart(now, Zone);
        var totals = await db.Set<EnvelopeTotal>().Where(t => t.StaffId == agentId && t.Month == month).ToListAsync(ct);
        if (totals.Count == 0)
        {
            // No running total yet this month (a new month, or grants made before totals were kept): counted once from
            // the grants, and kept from now on when this is a grant's transaction.
            var spent = await db.Set<Grant>().AsNoTracking()
                .Where(g => g.GrantedBy == agentId && g.GrantedAt >= monthStart && g.ReversedAt == null && g.Amount != null)
                .Select(g => new { g.OptionId, g.Amount, g.Currency }).ToListAsync(ct);
            totals = spent.GroupBy(g => (g.OptionId, g.Currency!))
                .Select(g => new EnvelopeTotal
                {
                    Key = EnvelopeTotal.KeyOf(agentId, g.Key.OptionId, g.Key.Item2, month),
                    StaffId = agentId,
                    OptionId = g.Key.OptionId,
                    Currency = g.Key.Item2,
                    Month = month,
                    Amount = g.Sum(x => x.Amount!.Value),
                }).ToList();
            if (keep)
            {
                db.AddRange(totals);
            }
        }

        // The customer's rows count for the customer only (no one's budget), the totals for the budget only (no customer):
        // nothing is counted twice.
        return customerRows
            .Select(g => new PriorGrant(g.OptionId, g.Amount is { } a && g.Currency is { } c ? Money.Of(a, c) : null, g.Quantity, customerId, Guid.Empty, g.GrantedAt))
            .Concat(totals.Where(t => t.Amount > 0).Select(t => new PriorGrant(t.OptionId, Money.Of(t.Amount, t.Currency), 1, Guid.Empty, agentId, monthStart)))
            .ToList();
    }

    private string MonthOf(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone).ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>Adds (or, for a reversal, takes away) an amount from the person's running total of the month it was granted in.</summary>
    public async Task AddToTotalAsync(Guid staffId, Guid optionId, Money amount, DateTimeOffset grantedAt, int sign, CancellationToken ct)
    {
        var month = MonthOf(grantedAt);
        var key = EnvelopeTotal.KeyOf(staffId, optionId, amount.Currency.Code, month);
        var total = db.Set<EnvelopeTotal>().Local.FirstOrDefault(t => t.Key == key) ?? await db.Set<EnvelopeTotal>().FirstOrDefaultAsync(t => t.Key == key, ct);
        if (total is null)
        {
            total = new EnvelopeTotal { Key = key, StaffId = staffId, OptionId = optionId, Currency = amount.Currency.Code, Month = month };
            db.Add(total);
        }

        total.Amount = Math.Max(0m, total.Amount + (sign * amount.Amount));
    }

    /// <summary>The version rows of <paramref name="keys"/> (made when missing); the caller bumps them before it saves.</summary>
    public async Task<List<EnvelopeLedger>> TouchAsync(IReadOnlyList<string> keys, CancellationToken ct)
    {
        var ledgers = await db.Set<EnvelopeLedger>().Where(l => keys.Contains(l.Key)).ToListAsync(ct);
        foreach (var key in keys.Where(k => ledgers.All(l => l.Key != k)))
        {
            var ledger = new EnvelopeLedger { Key = key };
            db.Add(ledger);
            ledgers.Add(ledger);
        }

        return ledgers;
    }
}
