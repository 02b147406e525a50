using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Ribalta.Empowerment.Contracts;
using Ribalta.Empowerment.Data;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;

namespace Ribalta.Empowerment.Help;

/// <summary>
/// The reading side of help: what waits for a person, what they asked, a case's requests, whom they can ask, the
/// requests as people see them, and whether a helper may act on one.
/// </summary>
internal sealed class HelpQueue(RibaltaDbContext db, TimeProvider clock)
{
    private static readonly string[] HelperRoles = [StaffRoles.Frontline, StaffRoles.TeamLead, StaffRoles.Manager, StaffRoles.Department, StaffRoles.Admin];

    /// <summary>
    /// What waits for this person: requests to them, and to their department that nobody has taken; the soonest due
    /// first, so overdue requests lead. With <paramref name="open"/> false, the ones they answered, newest first.
    /// </summary>
    public async Task<IReadOnlyList<HelpRequestDto>> AskedOfAsync(Guid staffId, bool open, CancellationToken ct)
    {
        var department = await DepartmentOfAsync(staffId, ct);
        var query = db.Set<HelpRequest>().AsNoTracking();
        var rows = open
            ? await query.Where(r => r.Status == HelpStatus.Open && r.AskedBy != staffId && (r.HelperId == staffId || (r.HelperId == null && department != null && r.DepartmentId == department)))
                .OrderBy(r => r.DueAt).ThenBy(r => r.Id).Take(200).ToListAsync(ct)
            : await query.Where(r => r.AnsweredBy == staffId).OrderByDescending(r => r.AnsweredAt).Take(100).ToListAsync(ct);
        return await ToDtosAsync(rows, ct);
    }

    /// <summary>What this person asked: open ones first (soonest due), then the latest answered.</summary>
    public async Task<IReadOnlyList<HelpRequestDto>> AskedByAsync(Guid staffId, CancellationToken ct)
    {
        var open = await db.Set<HelpRequest>().AsNoTracking().Where(r => r.AskedBy == staffId && r.Status == HelpStatus.Open).OrderBy(r => r.DueAt).Take(200).ToListAsync(ct);
        var closed = await db.Set<HelpRequest>().AsNoTracking().Where(r => r.AskedBy == staffId && r.Status != HelpStatus.Open).OrderByDescending(r => r.Id).Take(50).ToListAsync(ct);
        return await ToDtosAsync([.. open, .. closed], ct);
    }

    public async Task<IReadOnlyList<HelpRequestDto>> ForCaseAsync(long caseId, CancellationToken ct) =>
        await ToDtosAsync(await db.Set<HelpRequest>().AsNoTracking().Where(r => r.CaseId == caseId).OrderByDescending(r => r.Id).Take(100).ToListAsync(ct), ct);

    /// <summary>How many requests wait for this person, and how many of those are overdue (for the inbox).</summary>
    public async Task<HelpQueueCount> CountAsync(Guid staffId, CancellationToken ct)
    {
        var department = await DepartmentOfAsync(staffId, ct);
        var now = clock.GetUtcNow();
        var due = await db.Set<HelpRequest>().AsNoTracking()
            .Where(r => r.Status == HelpStatus.Open && r.AskedBy != staffId && (r.HelperId == staffId || (r.HelperId == null && department != null && r.DepartmentId == department)))
            .OrderBy(r => r.DueAt).Select(r => r.DueAt).Take(1000).ToListAsync(ct);
        return new HelpQueueCount(due.Count, due.Count(d => d < now));
    }

    public async Task<HelpersDto> HelpersAsync(Guid staffId, CancellationToken ct)
    {
        var department = await DepartmentOfAsync(staffId, ct);
        var people = await HelpersQuery().Where(u => u.Id != staffId)
            .Select(u => new { u.Id, u.DisplayName, u.DepartmentId }).OrderBy(u => u.DisplayName).Take(500).ToListAsync(ct);
        var ids = people.Select(p => p.Id).ToList();
        var roles = (await (from userRole in db.UserRoles
                            join role in db.Roles on userRole.RoleId equals role.Id
                            where ids.Contains(userRole.UserId)
                            select new { userRole.UserId, role.Name }).ToListAsync(ct)).ToLookup(r => r.UserId, r => r.Name!);
        var departments = await db.Set<Department>().AsNoTracking().OrderBy(d => d.Name).ToListAsync(ct);
        var names = departments.ToDictionary(d => d.Id, d => d.Name);

        // Leads and managers of the asker's own team first: the usual first call.
        static int Rank(IEnumerable<string> roles) => roles.Contains(StaffRoles.TeamLead) ? 0 : roles.Contains(StaffRoles.Manager) ? 1 : roles.Contains(StaffRoles.Department) ? 2 : 3;
        return new HelpersDto(
            people.Select(p => new HelperDto(p.Id, p.DisplayName, roles[p.Id].Order(StringComparer.Ordinal).ToList(), p.DepartmentId is { } d ? names.GetValueOrDefault(d) : null, department is not null && p.DepartmentId == department))
                .OrderByDescending(p => p.SameTeam).ThenBy(p => Rank(p.Roles)).ThenBy(p => p.Name, StringComparer.CurrentCulture).ToList(),
            departments.Select(d => new HelpDepartmentDto(d.Id, d.Name)).ToList());
    }

    public Task<Guid?> DepartmentOfAsync(Guid staffId, CancellationToken ct) => db.TeamOfAsync(staffId, ct);

    /// <summary>Active people who work cases.</summary>
    public IQueryable<StaffUser> HelpersQuery() =>
        db.Users.AsNoTracking().Where(u => u.IsActive && (from userRole in db.UserRoles
                                                          join role in db.Roles on userRole.RoleId equals role.Id
                                                          where userRole.UserId == u.Id && HelperRoles.Contains(role.Name!)
                                                          select 1).Any());

    public async Task<List<HelpRequestDto>> ToDtosAsync(IReadOnlyList<HelpRequest> rows, CancellationToken ct)
    {
        var optionIds = rows.SelectMany(r => r.Proposal.Select(p => p.OptionId)).Distinct().ToList();
        var catalogue = optionIds.Count == 0 ? [] : await db.Set<ResolutionOption>().AsNoTracking().Where(o => optionIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, ct);
        var departmentIds = rows.Where(r => r.DepartmentId is not null).Select(r => r.DepartmentId!.Value).Distinct().ToList();
        var departments = departmentIds.Count == 0 ? [] : await db.Set<Department>().AsNoTracking().Where(d => departmentIds.Contains(d.Id)).ToDictionaryAsync(d => d.Id, d => d.Name, ct);
        var language = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName;
        var now = clock.GetUtcNow();
        return rows.Select(r => new HelpRequestDto(
            r.Id, r.CaseId, r.CaseSubject, r.Reason, r.Question,
            r.Proposal.Select(p => new ProposedLineDto(p.OptionId, catalogue.GetValueOrDefault(p.OptionId)?.NameIn(language) ?? "", p.Amount is { } a ? new MoneyDto(a, p.Currency) : null, p.Quantity)).ToList(),
            r.Reach, r.AskedBy, r.AskedByName, r.AskedAt, r.DueAt, r.Status == HelpStatus.Open && r.DueAt < now,
            r.HelperId, r.HelperName, r.DepartmentId, r.DepartmentId is { } d ? departments.GetValueOrDefault(d) : null,
            r.Status, r.Answer, r.AnsweredByName, r.AnsweredAt, r.ResolutionId)).ToList();
    }

    /// <summary>An open request addressed to <paramref name="helper"/>, or why they cannot act on it.</summary>
    public async Task<Result<(HelpRequest Request, Guid HelperId)>> OpenForAsync(Actor helper, long id, bool tracked, CancellationToken ct)
    {
        var query = tracked ? db.Set<HelpRequest>() : db.Set<HelpRequest>().AsNoTracking();
        var request = await query.FirstOrDefaultAsync(r => r.Id == id, ct);
        if (request is null || !Guid.TryParse(helper.Id, out var helperId))
        {
            return Error.NotFound();
        }

        if (request.AskedBy == helperId)
        {
            // One's own request is answered by someone else, even when it went to one's own department.
            return Error.Forbidden("Error.NotYourHelpRequest");
        }

        if (!await IsAddressedToAsync(request, helperId, ct))
        {
            var taken = request.HelperId is not null && request.DepartmentId is { } asked && await DepartmentOfAsync(helperId, ct) == asked;
            return taken ? Error.Conflict("Error.HelpTaken") : Error.Forbidden("Error.NotYourHelpRequest");
        }

        return request.Status == HelpStatus.Open ? (request, helperId) : Error.Conflict("Error.HelpClosed");
    }

    /// <summary>A request is for its named helper, or (until someone takes it) for anyone in the department asked.</summary>
    private async Task<bool> IsAddressedToAsync(HelpRequest request, Guid staffId, CancellationToken ct) =>
        request.HelperId == staffId
        || (request.HelperId is null && request.DepartmentId is { } asked && await DepartmentOfAsync(staffId, ct) == asked);
}
