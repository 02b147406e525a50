using Microsoft.EntityFrameworkCore;
using Ribalta.Empowerment.Contracts;
using Ribalta.Empowerment.Contracts.Events;
using Ribalta.Empowerment.Data;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;

namespace Ribalta.Empowerment.Envelopes;

public sealed record EnvelopeRuleInput(
    Guid? OptionId,
    string? Role,
    Guid? DepartmentId = null,
    Guid? SegmentId = null,
    int? MinTenureMonths = null,
    IReadOnlyList<MoneyDto>? PerGrant = null,
    IReadOnlyList<MoneyDto>? PerCustomer = null,
    int? CustomerWindowDays = null,
    IReadOnlyList<MoneyDto>? MonthlyBudget = null,
    int? MaxQuantity = null,
    int? MaxGrantsPerCustomer = null);

public sealed record EnvelopeRuleDto(
    Guid Id,
    Guid OptionId,
    string Role,
    Guid? DepartmentId,
    Guid? SegmentId,
    int? MinTenureMonths,
    IReadOnlyList<MoneyDto> PerGrant,
    IReadOnlyList<MoneyDto> PerCustomer,
    int CustomerWindowDays,
    IReadOnlyList<MoneyDto> MonthlyBudget,
    int? MaxQuantity,
    int? MaxGrantsPerCustomer);

/// <summary>Who may grant what without asking: managers set a rule per option and role, optionally narrowed.</summary>
internal sealed class EnvelopeRules(RibaltaDbContext db, Customers.Contracts.ICustomerDirectory customers, TimeProvider clock)
{
    public async Task<IReadOnlyList<EnvelopeRuleDto>> ListAsync(CancellationToken ct) =>
        (await db.Set<EnvelopeRule>().AsNoTracking().OrderBy(r => r.CreatedAt).ToListAsync(ct)).Select(ToDto).ToList();

    public async Task<Result<EnvelopeRuleDto>> SaveAsync(Actor actor, Guid? id, EnvelopeRuleInput input, CancellationToken ct)
    {
        var v = new ValidationBuilder();
        if (input.Role is null || !StaffRoles.All.Contains(input.Role))
        {
            v.Add("role", "Validation.Role");
        }

        var option = input.OptionId is { } optionId ? await db.Set<ResolutionOption>().AsNoTracking().FirstOrDefaultAsync(o => o.Id == optionId, ct) : null;
        if (option is null)
        {
            v.Add("optionId", "Validation.Required");
        }

        if (input.DepartmentId is { } department && !await db.Set<Department>().AnyAsync(d => d.Id == department, ct))
        {
            v.Add("departmentId", "Validation.DepartmentUnknown");
        }

        if (input.SegmentId is { } segment && !(await customers.SegmentsAsync(ct)).Any(s => s.Id == segment))
        {
            v.Add("segmentId", "Validation.Invalid");
        }

        if (input.MinTenureMonths is < 0 or > 600)
        {
            v.Add("minTenureMonths", "Validation.Range", 0, 600);
        }

        if (input.CustomerWindowDays is < 1 or > 3650)
        {
            v.Add("customerWindowDays", "Validation.Range", 1, 3650);
        }

        foreach (var (field, value) in new[] { ("maxQuantity", input.MaxQuantity), ("maxGrantsPerCustomer", input.MaxGrantsPerCustomer) })
        {
            if (value is < 1 or > 10_000)
            {
                v.Add(field, "Validation.Range", 1, 10_000);
            }
        }

        var perGrant = Limits(v, "perGrant", input.PerGrant);
        var perCustomer = Limits(v, "perCustomer", input.PerCustomer);
        var budget = Limits(v, "monthlyBudget", input.MonthlyBudget);
        if (option is { Measure: OptionMeasure.Money } && perGrant.Count + perCustomer.Count + budget.Count == 0)
        {
            // A money option with no limit in any currency could never be granted: say so now, not at the customer's expense.
            v.Add("perGrant", "Validation.EnvelopeEmpty");
        }

        if (v.ToError() is { } invalid)
        {
            return invalid;
        }

        var rule = id is { } existing ? await db.Set<EnvelopeRule>().FirstOrDefaultAsync(r => r.Id == existing, ct) : null;
        if (id is not null && rule is null)
        {
            return Error.NotFound();
        }

        if (rule is null)
        {
            rule = new EnvelopeRule { Role = input.Role!, CreatedAt = clock.GetUtcNow() };
            db.Add(rule);
        }

        rule.OptionId = option!.Id;
        rule.Role = input.Role!;
        rule.DepartmentId = input.DepartmentId;
        rule.SegmentId = input.SegmentId;
        rule.MinTenureMonths = input.MinTenureMonths;
        rule.PerGrant = perGrant;
        rule.PerCustomer = perCustomer;
        rule.CustomerWindowDays = input.CustomerWindowDays ?? 90;
        rule.MonthlyBudget = budget;
        rule.MaxQuantity = input.MaxQuantity;
        rule.MaxGrantsPerCustomer = input.MaxGrantsPerCustomer;
        db.Append(
            clock,
            actor,
            new EnvelopeRuleSaved(option.NameIn("en"), rule.Role, string.Join(", ", perGrant), string.Join(", ", perCustomer), string.Join(", ", budget)),
            "envelope_rule",
            rule.Id.ToString());
        await db.SaveChangesAsync(ct);
        return ToDto(rule);
    }

    public async Task<Result<bool>> RemoveAsync(Actor actor, Guid id, CancellationToken ct)
    {
        var rule = await db.Set<EnvelopeRule>().FirstOrDefaultAsync(r => r.Id == id, ct);
        if (rule is null)
        {
            return Error.NotFound();
        }

        db.Remove(rule);
        db.Append(clock, actor, new EnvelopeRuleRemoved(rule.Role), "envelope_rule", id.ToString());
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>
    /// The terms that apply to this person for this customer, per option: of the rules for one of their roles that fit
    /// (team, segment, tenure), the most specific; among equally specific ones, the most generous per grant.
    /// </summary>
    public async Task<Dictionary<Guid, Domain.EnvelopeTerms>> ForAsync(Guid staffId, Guid customerId, CancellationToken ct)
    {
        var person = await db.Users.AsNoTracking().Where(u => u.Id == staffId).Select(u => new { u.DepartmentId, u.CreatedAt }).FirstOrDefaultAsync(ct);
        if (person is null)
        {
            return [];
        }

        var roles = await (from userRole in db.UserRoles
                           join role in db.Roles on userRole.RoleId equals role.Id
                           where userRole.UserId == staffId
                           select role.Name!).ToListAsync(ct);
        var segments = await customers.SegmentIdsAsync(customerId, ct);
        var tenureMonths = (int)((clock.GetUtcNow() - person.CreatedAt).TotalDays / 30.44);
        var rules = await db.Set<EnvelopeRule>().AsNoTracking().Where(r => roles.Contains(r.Role)).ToListAsync(ct);
        return rules
            .Where(r => (r.DepartmentId is null || r.DepartmentId == person.DepartmentId)
                && (r.SegmentId is null || segments.Contains(r.SegmentId.Value))
                && (r.MinTenureMonths is null || tenureMonths >= r.MinTenureMonths))
            .GroupBy(r => r.OptionId)
            .ToDictionary(g => g.Key, g => Generous(g.Where(r => r.Specificity == g.Max(x => x.Specificity)).ToList()));
    }

    /// <summary>Equally specific rules (two roles of one person) give the most generous of each limit, currency by currency.</summary>
    private static Domain.EnvelopeTerms Generous(IReadOnlyList<EnvelopeRule> rules)
    {
        static List<Money> Most(IEnumerable<Money> limits) => limits.GroupBy(m => m.Currency).Select(g => g.Max()).ToList();
        static int? Loosest(IEnumerable<int?> limits) => limits.Any(l => l is null) ? null : limits.Max();
        return new Domain.EnvelopeTerms
        {
            PerGrant = Most(rules.SelectMany(r => r.PerGrant)),
            PerCustomer = Most(rules.SelectMany(r => r.PerCustomer)),
            CustomerWindowDays = rules.Min(r => r.CustomerWindowDays),
            MonthlyBudget = Most(rules.SelectMany(r => r.MonthlyBudget)),
            MaxQuantity = Loosest(rules.Select(r => r.MaxQuantity)),
            MaxGrantsPerCustomer = Loosest(rules.Select(r => r.MaxGrantsPerCustomer)),
        };
    }

    private static List<Money> Limits(ValidationBuilder v, string field, IReadOnlyList<MoneyDto>? given)
    {
        var limits = new List<Money>();
        foreach (var (dto, index) in (given ?? []).Select((d, i) => (d, i)))
        {
            if (dto is null)
            {
                v.Add($"{field}[{index}]", "Validation.Required");
                continue;
            }

            var money = Money.Create(dto.Amount, dto.Currency, $"{field}[{index}]");
            if (!money.IsSuccess)
            {
                v.Include(money.Error);
            }
            else if (limits.Any(l => l.Currency == money.Value.Currency))
            {
                v.Add($"{field}[{index}].currency", "Validation.CurrencyTwice", money.Value.Currency.Code);
            }
            else
            {
                limits.Add(money.Value);
            }
        }

        return limits;
    }

    public static EnvelopeRuleDto ToDto(EnvelopeRule r) => new(
        r.Id, r.OptionId, r.Role, r.DepartmentId, r.SegmentId, r.MinTenureMonths,
        r.PerGrant.Select(MoneyDto.From).ToList(), r.PerCustomer.Select(MoneyDto.From).ToList(), r.CustomerWindowDays,
        r.MonthlyBudget.Select(MoneyDto.From).ToList(), r.MaxQuantity, r.MaxGrantsPerCustomer);
}
