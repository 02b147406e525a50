using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Ribalta.Cases.Contracts;
using Ribalta.Empowerment.Contracts;
using Ribalta.Empowerment.Data;
using Ribalta.Empowerment.Domain;
using Ribalta.Empowerment.Envelopes;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;

namespace Ribalta.Empowerment.Resolve;

/// <summary>
/// What is left of an agent's envelope for a customer: per option, for the Resolve panel; and how far a proposal goes
/// past it, for a help request.
/// </summary>
internal sealed class EnvelopeHeadroom(RibaltaDbContext db, EnvelopeRules rules, EnvelopeLedgers ledgers, ICaseDirectory cases, TimeProvider clock)
{
    public async Task<Result<IReadOnlyList<ResolveOptionDto>>> OptionsAsync(Actor agent, long caseId, CancellationToken ct)
    {
        if (await cases.FindAsync(caseId, ct) is not { } @case || !Guid.TryParse(agent.Id, out var agentId))
        {
            return Error.NotFound();
        }

        var envelope = await rules.ForAsync(agentId, @case.CustomerId, ct);
        var optionIds = envelope.Keys.ToList();
        var catalogue = await db.Set<ResolutionOption>().AsNoTracking().Where(o => o.Active && optionIds.Contains(o.Id)).OrderBy(o => o.CreatedAt).ToListAsync(ct);
        var prior = await ledgers.PriorAsync(@case.CustomerId, agentId, ct);
        var now = clock.GetUtcNow();
        var language = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName;
        return catalogue.Select(option =>
        {
            var terms = envelope[option.Id];
            var currencies = terms.PerGrant.Concat(terms.PerCustomer).Concat(terms.MonthlyBudget).Select(m => m.Currency).Distinct()
                .Select(c => EnvelopeEvaluator.HeadroomOf(option.Id, terms, c, prior, @case.CustomerId, agentId, now, ledgers.Zone))
                .Select(h => new HeadroomDto(h.Currency!.Value.Code, Dto(h.MostNow), Dto(h.PerGrant), Dto(h.CustomerLeft), Dto(h.BudgetLeft)))
                .ToList();
            var counts = EnvelopeEvaluator.HeadroomOf(option.Id, terms, null, prior, @case.CustomerId, agentId, now, ledgers.Zone);
            return new ResolveOptionDto(option.Id, option.NameIn(language), option.Kind, option.Measure, currencies, counts.MaxQuantity, counts.GrantsLeft);
        }).ToList();
    }

    /// <summary>
    /// How far past this agent's envelope a proposal goes now: the largest asked ÷ allowed over its lines (below 1 it
    /// fits). Null when some line has no room at all (not in the envelope, nothing left).
    /// </summary>
    internal async Task<decimal?> ReachAsync(Guid agentId, CaseRef @case, IReadOnlyList<(GrantLine Line, ResolutionOption Option)> asked, CancellationToken ct)
    {
        var envelope = await rules.ForAsync(agentId, @case.CustomerId, ct);
        var prior = await ledgers.PriorAsync(@case.CustomerId, agentId, ct);
        var now = clock.GetUtcNow();
        var reach = 0m;
        foreach (var (line, _) in asked)
        {
            if (!envelope.TryGetValue(line.OptionId, out var terms))
            {
                return null;
            }

            var room = EnvelopeEvaluator.HeadroomOf(line.OptionId, terms, line.Amount?.Currency, prior, @case.CustomerId, agentId, now, ledgers.Zone);
            decimal? allowed = line.Amount is null ? room.GrantsLeft is 0 ? 0 : room.MaxQuantity ?? decimal.MaxValue : room.MostNow?.Amount;
            if (allowed is not > 0)
            {
                return null;
            }

            reach = Math.Max(reach, (line.Amount?.Amount ?? line.Quantity) / allowed.Value);
        }

        return Math.Round(reach, 4);
    }

    private static MoneyDto? Dto(Money? money) => money is { } m ? MoneyDto.From(m) : null;
}
