using Ribalta.Empowerment.Contracts;

namespace Ribalta.Empowerment.Domain;


/// <summary>
/// The limits within which someone may grant one resolution option without asking anyone. Money limits are listed per
/// currency: an option can be granted only in a currency its envelope names. A limit left empty does not apply.
/// </summary>
internal sealed record EnvelopeTerms
{
    /// <summary>The most one grant may give, per currency.</summary>
    public IReadOnlyList<Money> PerGrant { get; init; } = [];

    /// <summary>The most one customer may receive of this option over <see cref="CustomerWindowDays"/>, per currency.</summary>
    public IReadOnlyList<Money> PerCustomer { get; init; } = [];

    /// <summary>The look-back of the per-customer limits, in days up to now.</summary>
    public int CustomerWindowDays { get; init; } = 90;

    /// <summary>The most one person may grant of this option in a calendar month (all customers together), per currency.</summary>
    public IReadOnlyList<Money> MonthlyBudget { get; init; } = [];

    /// <summary>Days or items: the most in one grant.</summary>
    public int? MaxQuantity { get; init; }

    /// <summary>How many grants of this option one customer may receive over <see cref="CustomerWindowDays"/>.</summary>
    public int? MaxGrantsPerCustomer { get; init; }
}

/// <summary>One option asked for in a resolution: an amount (money options) or a quantity (days, items; 1 for an exception).</summary>
internal sealed record GrantLine(Guid OptionId, OptionMeasure Measure, Money? Amount, int Quantity = 1);

/// <summary>A grant already made (and not reversed): by whom, to whom, when, what.</summary>
internal sealed record PriorGrant(Guid OptionId, Money? Amount, int Quantity, Guid CustomerId, Guid GrantedBy, DateTimeOffset GrantedAt);

internal enum EnvelopeLimit
{
    /// <summary>The option is not in this person's envelope at all.</summary>
    NotInEnvelope,

    /// <summary>The envelope has no limit in this currency.</summary>
    Currency,

    PerGrant,
    PerCustomer,
    MonthlyBudget,
    Quantity,
    GrantsPerCustomer,
}

/// <summary>One limit a resolution would pass: which, how far it goes, and how much of it is left.</summary>
internal sealed record LimitReached(Guid OptionId, EnvelopeLimit Limit, Money? LimitAmount = null, Money? Left = null, int? LimitCount = null, int? CountLeft = null);

/// <summary>Granted at once, or not, with every limit it would pass (so the agent can ask for help with the right question).</summary>
internal sealed record EnvelopeDecision(IReadOnlyList<LimitReached> Reached)
{
    public bool Allowed => Reached.Count == 0;
}

/// <summary>What is left of an option for this person and this customer right now: the most one grant may give.</summary>
internal sealed record Headroom(Guid OptionId, Currency? Currency, Money? MostNow, Money? PerGrant, Money? CustomerLeft, Money? BudgetLeft, int? GrantsLeft, int? MaxQuantity);

/// <summary>
/// Decides whether a person may grant a resolution on the spot, from the terms of their envelope and the grants already
/// made. Pure: the caller brings the grants that count (this customer's and this person's), the time and the
/// organisation's time zone, in which a budget's month begins and ends.
/// </summary>
internal static class EnvelopeEvaluator
{
    public static EnvelopeDecision Evaluate(
        IReadOnlyDictionary<Guid, EnvelopeTerms> envelope,
        IReadOnlyList<GrantLine> lines,
        IReadOnlyList<PriorGrant> prior,
        Guid customerId,
        Guid grantedBy,
        DateTimeOffset now,
        TimeZoneInfo zone)
    {
        var reached = new List<LimitReached>();
        var monthStart = MonthStart(now, zone);

        // The same option asked twice in one resolution is one grant of the sum.
        foreach (var option in lines.GroupBy(l => l.OptionId))
        {
            if (!envelope.TryGetValue(option.Key, out var terms))
            {
                reached.Add(new LimitReached(option.Key, EnvelopeLimit.NotInEnvelope));
                continue;
            }

            var customerSince = now.AddDays(-terms.CustomerWindowDays);
            var customerGrants = prior.Where(p => p.OptionId == option.Key && p.CustomerId == customerId && p.GrantedAt > customerSince).ToList();
            if (terms.MaxGrantsPerCustomer is { } maxGrants && customerGrants.Count + 1 > maxGrants)
            {
                reached.Add(new LimitReached(option.Key, EnvelopeLimit.GrantsPerCustomer, LimitCount: maxGrants, CountLeft: Math.Max(0, maxGrants - customerGrants.Count)));
            }

            var quantity = option.Sum(l => l.Measure is OptionMeasure.Days or OptionMeasure.Items ? l.Quantity : 0);
            if (terms.MaxQuantity is { } maxQuantity && quantity > maxQuantity)
            {
                reached.Add(new LimitReached(option.Key, EnvelopeLimit.Quantity, LimitCount: maxQuantity, CountLeft: maxQuantity));
            }

            foreach (var amounts in option.Where(l => l.Amount is not null).GroupBy(l => l.Amount!.Value.Currency))
            {
                var currency = amounts.Key;
                var asked = amounts.Select(l => l.Amount!.Value).Aggregate((a, b) => a + b);
                var perGrant = Find(terms.PerGrant, currency);
                var perCustomer = Find(terms.PerCustomer, currency);
                var budget = Find(terms.MonthlyBudget, currency);
                if (perGrant is null && perCustomer is null && budget is null)
                {
                    reached.Add(new LimitReached(option.Key, EnvelopeLimit.Currency));
                    continue;
                }

                if (perGrant is { } grantLimit && asked > grantLimit)
                {
                    reached.Add(new LimitReached(option.Key, EnvelopeLimit.PerGrant, grantLimit, grantLimit));
                }

                if (perCustomer is { } customerLimit)
                {
                    var given = Sum(customerGrants, currency);
                    if (given + asked > customerLimit)
                    {
                        reached.Add(new LimitReached(option.Key, EnvelopeLimit.PerCustomer, customerLimit, customerLimit.Less(given)));
                    }
                }

                if (budget is { } budgetLimit)
                {
                    var spent = Sum(prior.Where(p => p.OptionId == option.Key && p.GrantedBy == grantedBy && p.GrantedAt >= monthStart), currency);
                    if (spent + asked > budgetLimit)
                    {
                        reached.Add(new LimitReached(option.Key, EnvelopeLimit.MonthlyBudget, budgetLimit, budgetLimit.Less(spent)));
                    }
                }
            }
        }

        return new EnvelopeDecision(reached);
    }

    /// <summary>What one more grant of the option may give now, in a currency (money options) or at all (the others).</summary>
    public static Headroom HeadroomOf(
        Guid optionId, EnvelopeTerms terms, Currency? currency, IReadOnlyList<PriorGrant> prior, Guid customerId, Guid grantedBy, DateTimeOffset now, TimeZoneInfo zone)
    {
        var customerSince = now.AddDays(-terms.CustomerWindowDays);
        var customerGrants = prior.Where(p => p.OptionId == optionId && p.CustomerId == customerId && p.GrantedAt > customerSince).ToList();
        int? grantsLeft = terms.MaxGrantsPerCustomer is { } max ? Math.Max(0, max - customerGrants.Count) : null;
        if (currency is not { } c)
        {
            return new Headroom(optionId, null, null, null, null, null, grantsLeft, terms.MaxQuantity);
        }

        var perGrant = Find(terms.PerGrant, c);
        var customerLeft = Find(terms.PerCustomer, c)?.Less(Sum(customerGrants, c));
        var monthStart = MonthStart(now, zone);
        var budgetLeft = Find(terms.MonthlyBudget, c)?.Less(Sum(prior.Where(p => p.OptionId == optionId && p.GrantedBy == grantedBy && p.GrantedAt >= monthStart), c));
        var limits = new[] { perGrant, customerLeft, budgetLeft }.Where(m => m is not null).Select(m => m!.Value).ToList();
        Money? most = limits.Count == 0 ? null : grantsLeft == 0 ? Money.Zero(c) : limits.Min();
        return new Headroom(optionId, c, most, perGrant, customerLeft, budgetLeft, grantsLeft, terms.MaxQuantity);
    }

    /// <summary>The first moment of <paramref name="now"/>'s calendar month in <paramref name="zone"/>.</summary>
    public static DateTimeOffset MonthStart(DateTimeOffset now, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var first = new DateTime(local.Year, local.Month, 1, 0, 0, 0, DateTimeKind.Unspecified);
        return new DateTimeOffset(first, zone.GetUtcOffset(first));
    }

    private static Money? Find(IReadOnlyList<Money> limits, Currency currency) =>
        limits.Where(l => l.Currency == currency).Select(l => (Money?)l).FirstOrDefault();

    private static Money Sum(IEnumerable<PriorGrant> grants, Currency currency) =>
        grants.Where(g => g.Amount is { } amount && amount.Currency == currency).Select(g => g.Amount!.Value).Aggregate(Money.Zero(currency), (a, b) => a + b);
}
