using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Ribalta.Cases.Contracts;
using Ribalta.Customers.Contracts;
using Ribalta.Empowerment.Contracts;
using Ribalta.Empowerment.Contracts.Events;
using Ribalta.Empowerment.Data;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;

namespace Ribalta.Empowerment.Kindness;

/// <summary>
/// Planned kindness: gestures of goodwill planned on a customer (or one of their cases), paid from a small team
/// budget, shown on the customer's timeline and in the team's recognition feed when done; and a customer's important
/// moments, remembered to the team a few days before they come round.
/// </summary>
internal sealed class KindnessHandler(
    RibaltaDbContext db,
    ICustomerDirectory customers,
    ICaseDirectory cases,
    KindnessBudgets budgets,
    IOptions<EmpowermentOptions> options,
    TimeProvider clock)
{
    /// <summary>Today in the organisation's time zone: the day gestures are planned for and moments come round on.</summary>
    public DateOnly Today => TodayIn(options.Value, clock);

    internal static DateOnly TodayIn(EmpowermentOptions options, TimeProvider clock) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone)).DateTime);

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

        // Someone in the team planned at the same moment: decide again on the budget they left.
        return await ConflictRetry.RunOrTryAgainAsync(db, () => PlanOnceAsync(staff, staffId, team, customerId, input, cost, ct), ct);
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
            var spent = await budgets.SpentAsync(team!.Value, money.Currency.Code, input.PlannedFor.Value, ct);
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
        db.Append(clock, staff, new GesturePlanned(gesture.Id, gesture.Kind, gesture.PlannedFor, cost?.ToString()), "customer", customerId.ToString(), customerId);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return (await ToDtosAsync([gesture], ct))[0];
    }

    /// <summary>Done, with what happened: on the customer's timeline and in the team's recognition feed.</summary>
    public Task<Result<GestureDto>> DoneAsync(Actor staff, bool everyTeam, long id, string? note, CancellationToken ct)
    {
        var v = new ValidationBuilder().MaxLength("note", note, Gesture.TextMax).NoControlCharacters("note", note);
        return v.ToError() is { } invalid
            ? Task.FromResult<Result<GestureDto>>(invalid)
            : ChangeAsync(staff, everyTeam, id, GestureStatus.Done, g => new GestureDone(g.Id, g.Kind, g.Note), g =>
            {
                g.DoneAt = clock.GetUtcNow();
                g.DoneByName = staff.Name;
                g.Note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
            }, ct);
    }

    /// <summary>Not going to happen; its cost goes back to the team's budget.</summary>
    public Task<Result<GestureDto>> CancelAsync(Actor staff, bool everyTeam, long id, CancellationToken ct) =>
        ChangeAsync(staff, everyTeam, id, GestureStatus.Cancelled, g => new GestureCancelled(g.Id, g.Kind, g.Note), _ => { }, ct);

    /// <summary>
    /// The planner's team does it (or cancels it): its budget paid for it and its feed shows it. Managers and admins
    /// (<paramref name="everyTeam"/>) may act for any team.
    /// </summary>
    private async Task<Result<GestureDto>> ChangeAsync<TEvent>(
        Actor staff, bool everyTeam, long id, GestureStatus to, Func<Gesture, TEvent> happened, Action<Gesture> change, CancellationToken ct)
        where TEvent : class, IEvent
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
        db.Append(clock, staff, happened(gesture), "customer", gesture.CustomerId.ToString(), gesture.CustomerId);
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

    private async Task<List<GestureDto>> ToDtosAsync(IReadOnlyList<Gesture> rows, CancellationToken ct)
    {
        var names = await customers.NamesAsync(rows.Select(r => r.CustomerId).Distinct().ToList(), ct);
        var teams = await db.Set<Department>().AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Name, ct);
        return rows.Select(g => new GestureDto(
            g.Id, g.CustomerId, names.GetValueOrDefault(g.CustomerId) ?? "", g.CaseId, g.Kind, g.Description, g.PlannedFor,
            g.Cost is { } c && g.Currency is { } cur ? new MoneyDto(c, cur) : null, g.PlannedByName, g.TeamId, g.TeamId is { } t ? teams.GetValueOrDefault(t) : null,
            g.Status, g.DoneAt, g.DoneByName, g.Note)).ToList();
    }
}
