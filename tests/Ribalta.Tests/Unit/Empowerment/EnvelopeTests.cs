using Ribalta.Empowerment.Contracts;
using Ribalta.Empowerment.Domain;
using Xunit;

namespace Ribalta.Tests.Unit.Empowerment;

/// <summary>
/// The authority envelope as pure rules: limits per grant, per customer over a window, per person per calendar month
/// in the organisation's time zone, in several currencies, for several options at once; and, over thousands of random
/// histories, a grant is allowed exactly when no limit would be passed.
/// </summary>
[Trait("Suite", "Unit")]
public sealed class EnvelopeTests
{
    private static readonly TimeZoneInfo Rome = TimeZoneInfo.FindSystemTimeZoneById("Europe/Rome");
    private static readonly Guid Refund = Guid.NewGuid();
    private static readonly Guid Extension = Guid.NewGuid();
    private static readonly Guid Waiver = Guid.NewGuid();
    private static readonly Guid Customer = Guid.NewGuid();
    private static readonly Guid Agent = Guid.NewGuid();
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 15, 0, 0, TimeSpan.Zero);

    private static Money Eur(decimal amount) => Money.Of(amount, "EUR");

    private static Money Usd(decimal amount) => Money.Of(amount, "USD");

    private static readonly Dictionary<Guid, EnvelopeTerms> Envelope = new()
    {
        [Refund] = new EnvelopeTerms
        {
            PerGrant = [Eur(100), Usd(120)],
            PerCustomer = [Eur(150), Usd(180)],
            CustomerWindowDays = 90,
            MonthlyBudget = [Eur(2000), Usd(2400)],
        },
        [Extension] = new EnvelopeTerms { MaxQuantity = 14, MaxGrantsPerCustomer = 2 },
        [Waiver] = new EnvelopeTerms { PerGrant = [Eur(30)] },
    };

    private static EnvelopeDecision Decide(IReadOnlyList<GrantLine> lines, params PriorGrant[] prior) =>
        EnvelopeEvaluator.Evaluate(Envelope, lines, prior, Customer, Agent, Now, Rome);

    private static GrantLine RefundOf(Money amount) => new(Refund, OptionMeasure.Money, amount);

    [Fact]
    public void Within_every_limit_it_is_granted()
    {
        Assert.True(Decide([RefundOf(Eur(100))]).Allowed);
        Assert.True(Decide([RefundOf(Usd(120))]).Allowed);
        Assert.True(Decide([new GrantLine(Extension, OptionMeasure.Days, null, 14)]).Allowed);
    }

    [Fact]
    public void Above_the_per_grant_limit_it_is_refused_saying_how_far_it_goes()
    {
        var decision = Decide([RefundOf(Eur(100.01m))]);
        var reached = Assert.Single(decision.Reached);
        Assert.Equal(EnvelopeLimit.PerGrant, reached.Limit);
        Assert.Equal(Eur(100), reached.LimitAmount);
    }

    [Fact]
    public void A_currency_the_envelope_does_not_name_cannot_be_granted()
    {
        var reached = Assert.Single(Decide([RefundOf(Money.Of(50, "GBP"))]).Reached);
        Assert.Equal(EnvelopeLimit.Currency, reached.Limit);
    }

    [Fact]
    public void An_option_outside_the_envelope_is_refused()
    {
        var reached = Assert.Single(Decide([new GrantLine(Guid.NewGuid(), OptionMeasure.Exception, null)]).Reached);
        Assert.Equal(EnvelopeLimit.NotInEnvelope, reached.Limit);
    }

    [Fact]
    public void The_per_customer_limit_counts_the_window_and_only_this_customers_grants()
    {
        var recent = new PriorGrant(Refund, Eur(100), 1, Customer, Guid.NewGuid(), Now.AddDays(-89));
        var old = new PriorGrant(Refund, Eur(100), 1, Customer, Agent, Now.AddDays(-91));
        var someoneElse = new PriorGrant(Refund, Eur(100), 1, Guid.NewGuid(), Agent, Now.AddDays(-1));
        var inDollars = new PriorGrant(Refund, Usd(100), 1, Customer, Agent, Now.AddDays(-1));

        var reached = Assert.Single(Decide([RefundOf(Eur(60))], recent, old, someoneElse, inDollars).Reached);
        Assert.Equal(EnvelopeLimit.PerCustomer, reached.Limit);
        Assert.Equal(Eur(50), reached.Left);
        Assert.True(Decide([RefundOf(Eur(50))], recent, old, someoneElse, inDollars).Allowed);
    }

    [Fact]
    public void The_monthly_budget_begins_again_with_the_month_in_the_organisations_time_zone()
    {
        // 31 January 23:30 in Rome is 22:30 UTC: January's budget. 1 February 00:30 in Rome is 23:30 UTC on 31 January: February's.
        var january = new DateTimeOffset(2027, 1, 31, 22, 30, 0, TimeSpan.Zero);
        var february = new DateTimeOffset(2027, 1, 31, 23, 30, 0, TimeSpan.Zero);
        var spent = Enumerable.Range(0, 20).Select(i => new PriorGrant(Refund, Eur(100), 1, Guid.NewGuid(), Agent, january.AddDays(-i))).ToArray();

        var inJanuary = EnvelopeEvaluator.Evaluate(Envelope, [RefundOf(Eur(10))], spent, Customer, Agent, january.AddMinutes(1), Rome);
        var reached = Assert.Single(inJanuary.Reached);
        Assert.Equal(EnvelopeLimit.MonthlyBudget, reached.Limit);
        Assert.Equal(Eur(0), reached.Left);

        Assert.True(EnvelopeEvaluator.Evaluate(Envelope, [RefundOf(Eur(10))], spent, Customer, Agent, february, Rome).Allowed);
        Assert.Equal(new DateTimeOffset(2027, 2, 1, 0, 0, 0, TimeSpan.FromHours(1)), EnvelopeEvaluator.MonthStart(february, Rome));
    }

    [Fact]
    public void Another_persons_grants_do_not_spend_my_budget()
    {
        var theirs = Enumerable.Range(0, 25).Select(i => new PriorGrant(Refund, Eur(100), 1, Guid.NewGuid(), Guid.NewGuid(), Now.AddHours(-i))).ToArray();
        Assert.True(Decide([RefundOf(Eur(100))], theirs).Allowed);
    }

    [Fact]
    public void Several_options_combine_each_within_its_own_terms_and_one_option_twice_is_one_grant_of_the_sum()
    {
        Assert.True(Decide([RefundOf(Eur(80)), new GrantLine(Waiver, OptionMeasure.Money, Eur(30)), new GrantLine(Extension, OptionMeasure.Days, null, 7)]).Allowed);

        var twice = Decide([RefundOf(Eur(60)), RefundOf(Eur(60))]);
        Assert.Equal(EnvelopeLimit.PerGrant, Assert.Single(twice.Reached).Limit);

        var both = Decide([RefundOf(Eur(120)), new GrantLine(Waiver, OptionMeasure.Money, Eur(31))]);
        Assert.Equal(new[] { Refund, Waiver }.Order(), both.Reached.Select(r => r.OptionId).Order());
        Assert.All(both.Reached, r => Assert.Equal(EnvelopeLimit.PerGrant, r.Limit));
    }

    [Fact]
    public void Days_and_grant_counts_have_their_limits()
    {
        Assert.Equal(EnvelopeLimit.Quantity, Assert.Single(Decide([new GrantLine(Extension, OptionMeasure.Days, null, 15)]).Reached).Limit);
        var two = new[]
        {
            new PriorGrant(Extension, null, 7, Customer, Agent, Now.AddDays(-10)),
            new PriorGrant(Extension, null, 7, Customer, Guid.NewGuid(), Now.AddDays(-20)),
        };
        var reached = Assert.Single(Decide([new GrantLine(Extension, OptionMeasure.Days, null, 1)], two).Reached);
        Assert.Equal(EnvelopeLimit.GrantsPerCustomer, reached.Limit);
        Assert.Equal(0, reached.CountLeft);
    }

    [Fact]
    public void The_limits_edges_are_exact_a_budget_may_be_spent_to_the_cent_and_windows_start_where_they_say()
    {
        var monthStart = EnvelopeEvaluator.MonthStart(Now, Rome);
        var eur = Currency.Parse("EUR");

        // 1,990 spent this month: 10 more is exactly the budget, allowed; 10.01 is over it.
        var spent = Enumerable.Range(0, 19).Select(i => new PriorGrant(Refund, Eur(100), 1, Guid.NewGuid(), Agent, Now.AddHours(-i)))
            .Append(new PriorGrant(Refund, Eur(90), 1, Guid.NewGuid(), Agent, Now.AddHours(-20))).ToArray();
        Assert.True(Decide([RefundOf(Eur(10))], spent).Allowed);
        Assert.Equal(EnvelopeLimit.MonthlyBudget, Assert.Single(Decide([RefundOf(Eur(10.01m))], spent).Reached).Limit);

        // A grant made at the very first instant of the month is this month's.
        var atStart = new[] { new PriorGrant(Refund, Eur(1995), 1, Guid.NewGuid(), Agent, monthStart) };
        Assert.Equal(EnvelopeLimit.MonthlyBudget, Assert.Single(Decide([RefundOf(Eur(10))], atStart).Reached).Limit);
        Assert.Equal(Eur(5), EnvelopeEvaluator.HeadroomOf(Refund, Envelope[Refund], eur, atStart, Customer, Agent, Now, Rome).BudgetLeft);

        // A grant to this customer exactly 90 days ago has left the 90-day window.
        var leaving = new[] { new PriorGrant(Refund, Eur(150), 1, Customer, Guid.NewGuid(), Now.AddDays(-90)) };
        Assert.True(Decide([RefundOf(Eur(100))], leaving).Allowed);
        Assert.Equal(Eur(150), EnvelopeEvaluator.HeadroomOf(Refund, Envelope[Refund], eur, leaving, Customer, Agent, Now, Rome).CustomerLeft);
    }

    [Fact]
    public void Headroom_is_the_smallest_of_what_is_left()
    {
        var prior = new[]
        {
            new PriorGrant(Refund, Eur(120), 1, Customer, Guid.NewGuid(), Now.AddDays(-5)),
            new PriorGrant(Refund, Eur(1950), 1, Guid.NewGuid(), Agent, Now.AddDays(-1)),
        };
        var room = EnvelopeEvaluator.HeadroomOf(Refund, Envelope[Refund], Currency.Parse("EUR"), prior, Customer, Agent, Now, Rome);
        Assert.Equal(Eur(100), room.PerGrant);
        Assert.Equal(Eur(30), room.CustomerLeft);
        Assert.Equal(Eur(50), room.BudgetLeft);
        Assert.Equal(Eur(30), room.MostNow);
    }

    [Fact]
    public void Counted_lines_of_one_option_add_up_and_money_lines_are_not_counted()
    {
        // Two lines of 8 days: one grant of 16, over the 14-day limit although each line alone is within it.
        var days = Assert.Single(Decide([new GrantLine(Extension, OptionMeasure.Days, null, 8), new GrantLine(Extension, OptionMeasure.Days, null, 8)]).Reached);
        Assert.Equal((EnvelopeLimit.Quantity, 14), (days.Limit, days.LimitCount));

        // Items the same way: 2 + 2 of at most 3.
        var gift = Guid.NewGuid();
        var gifts = new Dictionary<Guid, EnvelopeTerms> { [gift] = new EnvelopeTerms { MaxQuantity = 3 } };
        Assert.True(EnvelopeEvaluator.Evaluate(gifts, [new GrantLine(gift, OptionMeasure.Items, null, 3)], [], Customer, Agent, Now, Rome).Allowed);
        var items = Assert.Single(EnvelopeEvaluator.Evaluate(gifts, [new GrantLine(gift, OptionMeasure.Items, null, 2), new GrantLine(gift, OptionMeasure.Items, null, 2)], [], Customer, Agent, Now, Rome).Reached);
        Assert.Equal((EnvelopeLimit.Quantity, 3), (items.Limit, items.LimitCount));

        // Money lines (quantity 1 each) and exceptions are not days or items: a quantity limit on such an option counts none of them.
        var counted = new Dictionary<Guid, EnvelopeTerms>
        {
            [Waiver] = new EnvelopeTerms { PerGrant = [Eur(30)], MaxQuantity = 1 },
            [Extension] = new EnvelopeTerms { MaxQuantity = 0 },
        };
        Assert.True(EnvelopeEvaluator.Evaluate(counted, [new GrantLine(Waiver, OptionMeasure.Money, Eur(10)), new GrantLine(Waiver, OptionMeasure.Money, Eur(10))], [], Customer, Agent, Now, Rome).Allowed);
        Assert.True(EnvelopeEvaluator.Evaluate(counted, [new GrantLine(Extension, OptionMeasure.Exception, null)], [], Customer, Agent, Now, Rome).Allowed);
    }

    [Fact]
    public void A_customer_already_past_the_grant_count_has_none_left_and_can_be_given_nothing_more()
    {
        // Three grants in the window against a limit of two (the limit was lowered after they were made).
        var three = Enumerable.Range(1, 3).Select(i => new PriorGrant(Extension, null, 1, Customer, Agent, Now.AddDays(-i))).ToArray();
        var reached = Assert.Single(Decide([new GrantLine(Extension, OptionMeasure.Days, null, 1)], three).Reached);
        Assert.Equal((EnvelopeLimit.GrantsPerCustomer, 2, 0), (reached.Limit, reached.LimitCount, reached.CountLeft));
        Assert.Equal(0, EnvelopeEvaluator.HeadroomOf(Extension, Envelope[Extension], null, three, Customer, Agent, Now, Rome).GrantsLeft);

        // A money option with a grant count: with no grants left the most one can still grant is zero, whatever money is left.
        var eur = Currency.Parse("EUR");
        var counted = new EnvelopeTerms { PerGrant = [Eur(100)], MaxGrantsPerCustomer = 1 };
        var once = new[] { new PriorGrant(Refund, Eur(10), 1, Customer, Agent, Now.AddDays(-1)) };
        var none = EnvelopeEvaluator.HeadroomOf(Refund, counted, eur, once, Customer, Agent, Now, Rome);
        Assert.Equal((0, Eur(0), Eur(100)), (none.GrantsLeft, none.MostNow, none.PerGrant));

        // With one grant left it is the smallest money limit; with no money limit in the currency there is no figure at all.
        var fresh = EnvelopeEvaluator.HeadroomOf(Refund, counted, eur, [], Customer, Agent, Now, Rome);
        Assert.Equal((1, Eur(100)), (fresh.GrantsLeft, fresh.MostNow));
        Assert.Null(EnvelopeEvaluator.HeadroomOf(Refund, counted, Currency.Parse("USD"), once, Customer, Agent, Now, Rome).MostNow);
    }

    /// <summary>Over random histories and requests: allowed exactly when the sums stay within every limit.</summary>
    [Fact]
    public void A_grant_is_allowed_exactly_when_no_limit_would_be_passed()
    {
        var random = new Random(20261124);
        var people = new[] { Agent, Guid.NewGuid(), Guid.NewGuid() };
        var customers = new[] { Customer, Guid.NewGuid() };
        for (var run = 0; run < 3000; run++)
        {
            var now = Now.AddDays(random.Next(0, 400)).AddMinutes(random.Next(0, 1440));
            var prior = Enumerable.Range(0, random.Next(0, 40)).Select(_ => new PriorGrant(
                Refund,
                random.Next(4) == 0 ? Usd(random.Next(0, 15000) / 100m) : Eur(random.Next(0, 15000) / 100m),
                1,
                customers[random.Next(customers.Length)],
                people[random.Next(people.Length)],
                now.AddMinutes(-random.Next(0, 60 * 24 * 120)))).ToList();
            var lines = Enumerable.Range(0, random.Next(1, 3)).Select(_ => RefundOf(Eur(random.Next(0, 16000) / 100m))).ToList();

            var decision = EnvelopeEvaluator.Evaluate(Envelope, lines, prior, Customer, Agent, now, Rome);

            var asked = lines.Sum(l => l.Amount!.Value.Amount);
            var customerGiven = prior.Where(p => p.CustomerId == Customer && p.GrantedAt > now.AddDays(-90) && p.Amount!.Value.Currency.Code == "EUR").Sum(p => p.Amount!.Value.Amount);
            var local = TimeZoneInfo.ConvertTime(now, Rome);
            var agentSpent = prior.Where(p => p.GrantedBy == Agent && p.Amount!.Value.Currency.Code == "EUR")
                .Where(p => TimeZoneInfo.ConvertTime(p.GrantedAt, Rome) is var when && when.Year == local.Year && when.Month == local.Month && p.GrantedAt <= now)
                .Sum(p => p.Amount!.Value.Amount);
            var within = asked <= 100 && customerGiven + asked <= 150 && agentSpent + asked <= 2000;
            Assert.True(within == decision.Allowed, $"run {run}: asked {asked}, customer {customerGiven}, agent {agentSpent}, decision {string.Join(",", decision.Reached.Select(r => r.Limit))}");
        }
    }
}
