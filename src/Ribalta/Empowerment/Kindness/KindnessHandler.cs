using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Ribalta.Cases.Contracts;
using Ribalta.Customers.Contracts;
using Ribalta.Empowerment.Contracts;
using Ribalta.Empowerment.Data;
using Ribalta.Empowerment.Resolve;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;

namespace Ribalta.Empowerment.Kindness;

public enum GestureKind
{
    HandwrittenNote,
    Flowers,
    Call,
    Gift,
    Other,
}

public enum GestureStatus
{
    Planned,
    Done,
    Cancelled,
}

public sealed record GestureInput(GestureKind? Kind, string? Description, DateOnly? PlannedFor, MoneyDto? Cost = null, long? CaseId = null);

public sealed record GestureDoneInput(string? Note);

public sealed record GestureDto(
    long Id, Guid CustomerId, string CustomerName, long? CaseId, GestureKind Kind, string Description, DateOnly PlannedFor, MoneyDto? Cost,
    string PlannedByName, Guid? TeamId, string? Team, GestureStatus Status, DateTimeOffset? DoneAt, string? DoneByName, string? Note);

public sealed record BudgetInput(IReadOnlyList<MoneyDto>? Monthly);

/// <summary>A team's kindness budget this month, per currency: what it may spend, what planned and done gestures take.</summary>
public sealed record BudgetDto(Guid DepartmentId, string Department, IReadOnlyList<BudgetLine> Lines);

public sealed record BudgetLine(MoneyDto Monthly, MoneyDto Spent, MoneyDto Left);

public sealed record MomentInput(string? Title, DateOnly? Date, bool Yearly = false, int? RemindDaysBefore = null);

/// <summary>A customer's moment; <c>Next</c> is when it comes round next (null when it has passed and does not recur).</summary>
public sealed record MomentDto(long Id, Guid CustomerId, string CustomerName, string Title, DateOnly Date, bool Yearly, int RemindDaysBefore, string NotedByName, DateOnly? Next);

/// <summary>
/// Planned kindness: gestures of goodwill planned on a customer (or one of their cases), paid from a small team
/// budget, shown on the customer's timeline and in the team's recognition feed when done; and a customer's important
/// moments, remembered to the team a few days before they come round.
/// </summary>
internal sealed class KindnessHandler(
    RibaltaDbContext db,
    ICustomerDirectory customers,
    ICaseDirectory cases,
    IOptions<EmpowermentOptions> options,
    TimeProvider clock)
{
    private const int Attempts = 5;

    private TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);

    /// <summary>Today in the organisation's time zone: the day gestures are planned for and moments come round on.</summary>
    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), Zone).DateTime);

    public async Task<Result<GestureDto>> PlanAsync(Actor staff, Guid customerId, GestureInput input, CancellationToken ct)
    {
        var v = new ValidationBuilder().Required("description", input.Description, Gesture.TextMax).NoControlCharacters("description", input.Description);
        if (input.Kind is not { } kind || !Enum.IsDefined(kind))
        {
            v.Add("kind", "Validation.Required");
        }

        if (input.PlannedFor is not { } day)
        {
            v.Add("plannedFor", "Validation.Required");
        }
        else if (day < Today || day > Today.AddDays(366))
        {
            v.Add("plannedFor", "Validation.GestureDate");
        }

        Money? cost = null;
        if (input.Cost is not null)
        {
            var money = Money.Create(input.Cost.Amount, input.Cost.Currency, "cost");
            v.Include(money.Error);
            cost = money.IsSuccess && money.Value.Amount > 0 ? money.Value : null;
        }

        if (v.ToError() is { } invalid)
        {
            return invalid;
        }

        if (!Guid.TryParse(staff.Id, out var staffId) || await customers.FindAsync(customerId, ct) is null)
        {
            return Error.NotFound();
        }

        if (input.CaseId is { } caseId && (await cases.FindAsync(caseId, ct))?.CustomerId != customerId)
        {
            return Error.Validation("caseId", "Validation.GestureCase");
        }

        var team = await db.TeamOfAsync(staffId, ct);
        if (cost is not null && team is null)
        {
            // A cost is paid from a team's budget: someone without a team plans gestures that cost nothing.
            return Error.Validation("cost", "Validation.GestureNoTeam");
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await PlanOnceAsync(staff, staffId, team, customerId, input, cost, ct);
            }
            catch (DbUpdateException ex) when (ex is DbUpdateConcurrencyException || DbErrors.IsUniqueViolation(ex))
            {
                // Someone in the team planned at the same moment: decide again on the budget they left.
                db.ChangeTracker.Clear();
                if (attempt >= Attempts)
                {
                    return Error.Conflict("Error.TryAgain");
                }

                await Task.Delay(Random.Shared.Next(2, 20 * attempt), ct);
            }
        }
    }

    private async Task<Result<GestureDto>> PlanOnceAsync(Actor staff, Guid staffId, Guid? team, Guid customerId, GestureInput input, Money? cost, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var month = input.PlannedFor!.Value.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        if (cost is { } money)
        {
            // The team's version row for the month orders plans against each other: the last of the budget goes once.
            var key = $"kindness:{team:N}:{month}";
            var ledger = await db.Set<EnvelopeLedger>().FirstOrDefaultAsync(l => l.Key == key, ct);
            if (ledger is null)
            {
                db.Add(ledger = new EnvelopeLedger { Key = key });
            }

            ledger.Version++;
            var budget = await db.Set<KindnessBudget>().AsNoTracking().FirstOrDefaultAsync(b => b.DepartmentId == team && b.Currency == money.Currency.Code, ct);
            var spent = await SpentAsync(team!.Value, money.Currency.Code, input.PlannedFor.Value, ct);
            var left = (budget?.Monthly ?? 0) - spent;
            if (money.Amount > left)
            {
                return Error.Validation("cost", "Validation.GestureBudget", Money.Of(Math.Max(0, left), money.Currency.Code).Format(CultureInfo.CurrentCulture));
            }
        }

        var gesture = new Gesture
        {
            CustomerId = customerId,
            CaseId = input.CaseId,
            Kind = input.Kind!.Value,
            Description = input.Description!.Trim(),
            PlannedFor = input.PlannedFor.Value,
            Cost = cost?.Amount,
            Currency = cost?.Currency.Code,
            PlannedBy = staffId,
            PlannedByName = staff.Name,
            TeamId = team,
            PlannedAt = clock.GetUtcNow(),
            Status = GestureStatus.Planned,
        };
        db.Add(gesture);
        await db.SaveChangesAsync(ct);
        db.Append(clock, staff, KindnessEvents.Planned, "customer", customerId.ToString(), new { gestureId = gesture.Id, kind = gesture.Kind.ToString(), gesture.PlannedFor, cost = cost?.ToString() }, customerId);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return (await ToDtosAsync([gesture], ct))[0];
    }

    private async Task<decimal> SpentAsync(Guid team, string currency, DateOnly inMonth, CancellationToken ct)
    {
        var first = new DateOnly(inMonth.Year, inMonth.Month, 1);
        var next = first.AddMonths(1);
        // Summed here: SQLite cannot add decimals in SQL, and a team's gestures in a month are few. Never capped: a sum
        // over an arbitrary part of them would let a budget be overspent.
        return (await db.Set<Gesture>().Where(g => g.TeamId == team && g.Currency == currency && g.Status != GestureStatus.Cancelled && g.PlannedFor >= first && g.PlannedFor < next)
            .Select(g => g.Cost).ToListAsync(ct)).Sum(c => c ?? 0);
    }

    /// <summary>Done, with what happened: on the customer's timeline and in the team's recognition feed.</summary>
    public Task<Result<GestureDto>> DoneAsync(Actor staff, bool everyTeam, long id, string? note, CancellationToken ct)
    {
        var v = new ValidationBuilder().MaxLength("note", note, Gesture.TextMax).NoControlCharacters("note", note);
        return v.ToError() is { } invalid
            ? Task.FromResult<Result<GestureDto>>(invalid)
            : ChangeAsync(staff, everyTeam, id, GestureStatus.Done, KindnessEvents.Done, g =>
            {
                g.DoneAt = clock.GetUtcNow();
                g.DoneByName = staff.Name;
                g.Note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
            }, ct);
    }

    /// <summary>Not going to happen; its cost goes back to the team's budget.</summary>
    public Task<Result<GestureDto>> CancelAsync(Actor staff, bool everyTeam, long id, CancellationToken ct) =>
        ChangeAsync(staff, everyTeam, id, GestureStatus.Cancelled, KindnessEvents.Cancelled, _ => { }, ct);

    /// <summary>
    /// The planner's team does it (or cancels it): its budget paid for it and its feed shows it. Managers and admins
    /// (<paramref name="everyTeam"/>) may act for any team.
    /// </summary>
    private async Task<Result<GestureDto>> ChangeAsync(Actor staff, bool everyTeam, long id, GestureStatus to, string eventType, Action<Gesture> change, CancellationToken ct)
    {
        var gesture = await db.Set<Gesture>().FirstOrDefaultAsync(g => g.Id == id, ct);
        if (gesture is null || !Guid.TryParse(staff.Id, out var staffId))
        {
            return Error.NotFound();
        }

        if (!everyTeam && gesture.PlannedBy != staffId && (gesture.TeamId is null || await db.TeamOfAsync(staffId, ct) != gesture.TeamId))
        {
            return Error.Forbidden("Error.NotYourTeam");
        }

        if (gesture.Status != GestureStatus.Planned)
        {
            return Error.Conflict("Error.GestureSettled");
        }

        gesture.Status = to;
        change(gesture);
        gesture.Version++;
        db.Append(clock, staff, eventType, "customer", gesture.CustomerId.ToString(), new { gestureId = id, kind = gesture.Kind.ToString(), gesture.Note }, gesture.CustomerId);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Error.Conflict("Error.GestureSettled");
        }

        return (await ToDtosAsync([gesture], ct))[0];
    }

    public async Task<IReadOnlyList<GestureDto>> ForCustomerAsync(Guid customerId, CancellationToken ct) =>
        await ToDtosAsync(await db.Set<Gesture>().AsNoTracking().Where(g => g.CustomerId == customerId).OrderByDescending(g => g.Id).Take(100).ToListAsync(ct), ct);

    /// <summary>The team's gestures still to do, soonest first.</summary>
    public async Task<IReadOnlyList<GestureDto>> PlannedAsync(Guid staffId, CancellationToken ct)
    {
        var team = await db.TeamOfAsync(staffId, ct);
        return await ToDtosAsync(await db.Set<Gesture>().AsNoTracking()
            .Where(g => g.Status == GestureStatus.Planned && (g.PlannedBy == staffId || (team != null && g.TeamId == team)))
            .OrderBy(g => g.PlannedFor).ThenBy(g => g.Id).Take(100).ToListAsync(ct), ct);
    }

    /// <summary>The recognition feed: gestures done by the team (every team's with <paramref name="everyTeam"/>), newest first.</summary>
    public async Task<IReadOnlyList<GestureDto>> FeedAsync(Guid staffId, bool everyTeam, CancellationToken ct)
    {
        var team = await db.TeamOfAsync(staffId, ct);
        var done = db.Set<Gesture>().AsNoTracking().Where(g => g.Status == GestureStatus.Done);
        if (!everyTeam)
        {
            done = done.Where(g => g.PlannedBy == staffId || (team != null && g.TeamId == team));
        }

        return await ToDtosAsync(await done.OrderByDescending(g => g.DoneAt).Take(50).ToListAsync(ct), ct);
    }

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

        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await db.Set<KindnessBudget>().Where(b => b.DepartmentId == departmentId).ExecuteDeleteAsync(ct);
            db.AddRange(amounts.Select(a => new KindnessBudget { DepartmentId = departmentId, Currency = a.Currency.Code, Monthly = a.Amount }));
            db.Append(clock, manager, KindnessEvents.BudgetSet, "department", departmentId.ToString(), new { monthly = amounts.Select(a => a.ToString()) });
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch (DbUpdateException ex) when (ex is DbUpdateConcurrencyException || DbErrors.IsUniqueViolation(ex))
        {
            // Someone saved this team's budget at the same moment: theirs stands; look and try again.
            db.ChangeTracker.Clear();
            return Error.Conflict("Error.TryAgain");
        }
        return (await BudgetsAsync(ct)).First(b => b.DepartmentId == departmentId);
    }

    public async Task<Result<MomentDto>> NoteMomentAsync(Actor staff, Guid customerId, MomentInput input, CancellationToken ct)
    {
        var v = new ValidationBuilder().Required("title", input.Title, 200).NoControlCharacters("title", input.Title);
        if (input.Date is null)
        {
            v.Add("date", "Validation.Required");
        }
        else if (!input.Yearly && input.Date < Today)
        {
            v.Add("date", "Validation.MomentPast");
        }

        if (input.RemindDaysBefore is < 0 or > 60)
        {
            v.Add("remindDaysBefore", "Validation.Range", 0, 60);
        }

        if (v.ToError() is { } invalid)
        {
            return invalid;
        }

        if (!Guid.TryParse(staff.Id, out var staffId) || await customers.FindAsync(customerId, ct) is null)
        {
            return Error.NotFound();
        }

        var moment = new ImportantMoment
        {
            CustomerId = customerId,
            Title = input.Title!.Trim(),
            Date = input.Date!.Value,
            Yearly = input.Yearly,
            RemindDaysBefore = input.RemindDaysBefore ?? 3,
            NotedBy = staffId,
            NotedByName = staff.Name,
            TeamId = await db.TeamOfAsync(staffId, ct),
            NotedAt = clock.GetUtcNow(),
        };
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.Add(moment);
        await db.SaveChangesAsync(ct);
        db.Append(clock, staff, KindnessEvents.MomentNoted, "customer", customerId.ToString(), new { momentId = moment.Id, moment.Title, moment.Date, moment.Yearly }, customerId);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return (await MomentDtosAsync([moment], ct))[0];
    }

    /// <summary>The person who noted it, their team, or a manager or admin (<paramref name="everyTeam"/>) forgets a moment.</summary>
    public async Task<Result<bool>> ForgetMomentAsync(Actor staff, bool everyTeam, long id, CancellationToken ct)
    {
        var moment = await db.Set<ImportantMoment>().FirstOrDefaultAsync(m => m.Id == id, ct);
        if (moment is null || !Guid.TryParse(staff.Id, out var staffId))
        {
            return Error.NotFound();
        }

        if (!everyTeam && moment.NotedBy != staffId && (moment.TeamId is null || await db.TeamOfAsync(staffId, ct) != moment.TeamId))
        {
            return Error.Forbidden("Error.NotYourTeam");
        }

        db.Remove(moment);
        db.Append(clock, staff, KindnessEvents.MomentForgotten, "customer", moment.CustomerId.ToString(), new { momentId = id }, moment.CustomerId);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Forgotten by someone else at the same moment.
            return Error.NotFound();
        }

        return true;
    }

    public async Task<IReadOnlyList<MomentDto>> MomentsAsync(Guid customerId, CancellationToken ct) =>
        await MomentDtosAsync(await db.Set<ImportantMoment>().AsNoTracking().Where(m => m.CustomerId == customerId).OrderBy(m => m.Date).Take(100).ToListAsync(ct), ct);

    /// <summary>Moments of the team's customers (noted by this person or their team) whose reminder window is open now.</summary>
    public async Task<IReadOnlyList<MomentDto>> UpcomingAsync(Guid staffId, CancellationToken ct)
    {
        var team = await db.TeamOfAsync(staffId, ct);
        var today = Today;
        var moments = await db.Set<ImportantMoment>().AsNoTracking()
            .Where(m => (m.NotedBy == staffId || (team != null && m.TeamId == team)) && (m.Yearly || m.Date >= today))
            .OrderByDescending(m => m.Id).Take(5000).ToListAsync(ct);
        var soon = moments.Where(m => NextOf(m, today) is { } next && next.DayNumber - today.DayNumber <= m.RemindDaysBefore).ToList();
        return (await MomentDtosAsync(soon, ct)).OrderBy(m => m.Next).ToList();
    }

    /// <summary>When the moment comes round next, from <paramref name="today"/> (this year's or next year's date when yearly).</summary>
    internal static DateOnly? NextOf(ImportantMoment moment, DateOnly today)
    {
        if (!moment.Yearly)
        {
            return moment.Date >= today ? moment.Date : null;
        }

        static DateOnly In(int year, DateOnly date) => new(year, date.Month, date.Month == 2 && date.Day == 29 && !DateTime.IsLeapYear(year) ? 28 : date.Day);
        var thisYear = In(today.Year, moment.Date);
        return thisYear >= today ? thisYear : In(today.Year + 1, moment.Date);
    }

    private async Task<List<GestureDto>> ToDtosAsync(IReadOnlyList<Gesture> rows, CancellationToken ct)
    {
        var names = await customers.NamesAsync(rows.Select(r => r.CustomerId).Distinct().ToList(), ct);
        var teams = await db.Set<Department>().AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Name, ct);
        return rows.Select(g => new GestureDto(
            g.Id, g.CustomerId, names.GetValueOrDefault(g.CustomerId) ?? "", g.CaseId, g.Kind, g.Description, g.PlannedFor,
            g.Cost is { } c && g.Currency is { } cur ? new MoneyDto(c, cur) : null, g.PlannedByName, g.TeamId, g.TeamId is { } t ? teams.GetValueOrDefault(t) : null,
            g.Status, g.DoneAt, g.DoneByName, g.Note)).ToList();
    }

    private async Task<List<MomentDto>> MomentDtosAsync(IReadOnlyList<ImportantMoment> rows, CancellationToken ct)
    {
        var names = await customers.NamesAsync(rows.Select(r => r.CustomerId).Distinct().ToList(), ct);
        var today = Today;
        return rows.Select(m => new MomentDto(m.Id, m.CustomerId, names.GetValueOrDefault(m.CustomerId) ?? "", m.Title, m.Date, m.Yearly, m.RemindDaysBefore, m.NotedByName, NextOf(m, today))).ToList();
    }
}
