using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Ribalta.Empowerment.Contracts;
using Ribalta.Empowerment.Contracts.Events;
using Ribalta.Empowerment.Data;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;

namespace Ribalta.Empowerment.Kindness;

/// <summary>Each team's monthly kindness budget, per currency: what it is, what was planned or spent of it this month.</summary>
internal sealed class KindnessBudgets(RibaltaDbContext db, IOptions<EmpowermentOptions> options, TimeProvider clock)
{
    private DateOnly Today => KindnessHandler.TodayIn(options.Value, clock);

    public async Task<IReadOnlyList<BudgetDto>> BudgetsAsync(CancellationToken ct)
    {
        var budgets = await db.Set<KindnessBudget>().AsNoTracking().ToListAsync(ct);
        var departments = await db.Set<Department>().AsNoTracking().OrderBy(d => d.Name).ToListAsync(ct);

        // What every team planned or spent this month, in one read (summed here: SQLite cannot add decimals in SQL; not
        // capped, since a sum over part of the month would be wrong).
        var first = new DateOnly(Today.Year, Today.Month, 1);
        var next = first.AddMonths(1);
        var costs = await db.Set<Gesture>().AsNoTracking()
            .Where(g => g.Cost != null && g.Status != GestureStatus.Cancelled && g.PlannedFor >= first && g.PlannedFor < next)
            .Select(g => new { g.TeamId, g.Currency, g.Cost }).ToListAsync(ct);
        var spent = costs.GroupBy(c => (c.TeamId, c.Currency)).ToDictionary(g => g.Key, g => g.Sum(c => c.Cost!.Value));
        return departments.Select(department => new BudgetDto(department.Id, department.Name, budgets
            .Where(b => b.DepartmentId == department.Id).OrderBy(b => b.Currency, StringComparer.Ordinal)
            .Select(b =>
            {
                var used = spent.GetValueOrDefault(((Guid?)department.Id, (string?)b.Currency));
                return new BudgetLine(new MoneyDto(b.Monthly, b.Currency), new MoneyDto(used, b.Currency), new MoneyDto(Math.Max(0, b.Monthly - used), b.Currency));
            }).ToList())).ToList();
    }

    /// <summary>Sets a team's monthly kindness budget, one amount per currency (an empty list: no budget).</summary>
    public async Task<Result<BudgetDto>> SetBudgetAsync(Actor manager, Guid departmentId, BudgetInput input, CancellationToken ct)
    {
        var v = new ValidationBuilder();
        var amounts = new List<Money>();
        var given = input.Monthly ?? [];
        for (var i = 0; i < given.Count; i++)
        {
            var money = Money.Create(given[i]?.Amount, given[i]?.Currency, $"monthly[{i}]");
            if (!money.IsSuccess)
            {
                v.Include(money.Error);
            }
            else if (amounts.Any(a => a.Currency == money.Value.Currency))
            {
                v.Add($"monthly[{i}].currency", "Validation.CurrencyTwice", money.Value.Currency.Code);
            }
            else
            {
                amounts.Add(money.Value);
            }
        }

        if (given.Count > 10)
        {
            v.Add("monthly", "Validation.BudgetLines", 10);
        }

        if (v.ToError() is { } invalid)
        {
            return invalid;
        }

        if (!await db.Set<Department>().AnyAsync(d => d.Id == departmentId, ct))
        {
            return Error.NotFound();
        }

        // One attempt: someone who saved this team's budget at the same moment replaced it whole; theirs stands, and
        // the manager looks at it before trying again rather than overwriting it unseen.
        return await ConflictRetry.RunOrTryAgainAsync<BudgetDto>(db, async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await db.Set<KindnessBudget>().Where(b => b.DepartmentId == departmentId).ExecuteDeleteAsync(ct);
            db.AddRange(amounts.Select(a => new KindnessBudget { DepartmentId = departmentId, Currency = a.Currency.Code, Monthly = a.Amount }));
            db.Append(clock, manager, new KindnessBudgetSet(amounts.Select(a => a.ToString()).ToList()), "department", departmentId.ToString());
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return (await BudgetsAsync(ct)).First(b => b.DepartmentId == departmentId);
        }, ct, attempts: 1);
    }

    public async Task<decimal> SpentAsync(Guid team, string currency, DateOnly inMonth, CancellationToken ct)
    {
        var first = new DateOnly(inMonth.Year, inMonth.Month, 1);
        var next = first.AddMonths(1);
        // Summed here: SQLite cannot add decimals in SQL, and a team's gestures in a month are few. Never capped: a sum
        // over an arbitrary part of them would let a budget be overspent.
        return (await db.Set<Gesture>().Where(g => g.TeamId == team && g.Currency == currency && g.Status != GestureStatus.Cancelled && g.PlannedFor >= first && g.PlannedFor < next)
            .Select(g => g.Cost).ToListAsync(ct)).Sum(c => c ?? 0);
    }
}
