using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Ribalta.Customers.Contracts;
using Ribalta.Empowerment.Contracts;
using Ribalta.Empowerment.Contracts.Events;
using Ribalta.Empowerment.Data;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;

namespace Ribalta.Empowerment.Kindness;

/// <summary>A customer's important moments, remembered to the team a few days before they come round.</summary>
internal sealed class ImportantMoments(RibaltaDbContext db, ICustomerDirectory customers, IOptions<EmpowermentOptions> options, TimeProvider clock)
{
    private DateOnly Today => KindnessHandler.TodayIn(options.Value, clock);

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
        db.Append(clock, staff, new MomentNoted(moment.Id, moment.Title, moment.Date, moment.Yearly), "customer", customerId.ToString(), customerId);
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
        db.Append(clock, staff, new MomentForgotten(id), "customer", moment.CustomerId.ToString(), moment.CustomerId);
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

    private async Task<List<MomentDto>> MomentDtosAsync(IReadOnlyList<ImportantMoment> rows, CancellationToken ct)
    {
        var names = await customers.NamesAsync(rows.Select(r => r.CustomerId).Distinct().ToList(), ct);
        var today = Today;
        return rows.Select(m => new MomentDto(m.Id, m.CustomerId, names.GetValueOrDefault(m.CustomerId) ?? "", m.Title, m.Date, m.Yearly, m.RemindDaysBefore, m.NotedByName, NextOf(m, today))).ToList();
    }
}
