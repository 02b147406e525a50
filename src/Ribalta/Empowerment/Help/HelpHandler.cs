using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Ribalta.Cases.Contracts;
using Ribalta.Empowerment.Contracts;
using Ribalta.Empowerment.Data;
using Ribalta.Empowerment.Resolve;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;

namespace Ribalta.Empowerment.Help;

public enum HelpReason
{
    /// <summary>A resolution the agent's envelope does not cover.</summary>
    AboveEnvelope,

    /// <summary>Something the catalogue does not offer: the agent proposes it in words.</summary>
    NotInCatalogue,

    /// <summary>A question for someone who knows.</summary>
    Question,
}

public enum HelpStatus
{
    Open,
    Approved,
    Declined,
    Answered,
    Withdrawn,
}

public enum HelpDecision
{
    Approve,
    Decline,
    Answer,
}

/// <summary>Ask one person (<c>HelperId</c>) or one department (<c>DepartmentId</c>); a decision may carry the proposed lines.</summary>
public sealed record HelpRequestInput(HelpReason? Reason, string? Question, Guid? HelperId = null, Guid? DepartmentId = null, IReadOnlyList<ResolutionLineInput>? Proposal = null);

/// <summary>Approve (granting <c>Lines</c>, or else the proposal), decline, or answer a question; always in words.</summary>
public sealed record HelpAnswerInput(HelpDecision? Decision, string? Answer, IReadOnlyList<ResolutionLineInput>? Lines = null);

public sealed record ProposedLineDto(Guid OptionId, string Option, MoneyDto? Amount, int Quantity);

public sealed record HelpRequestDto(
    long Id, long CaseId, string CaseSubject, HelpReason Reason, string Question, IReadOnlyList<ProposedLineDto> Proposal, decimal? Reach,
    Guid AskedBy, string AskedByName, DateTimeOffset AskedAt, DateTimeOffset DueAt, bool Overdue,
    Guid? HelperId, string? HelperName, Guid? DepartmentId, string? DepartmentName,
    HelpStatus Status, string? Answer, string? AnsweredByName, DateTimeOffset? AnsweredAt, Guid? ResolutionId);

public sealed record HelperDto(Guid Id, string Name, IReadOnlyList<string> Roles, string? Department, bool SameTeam);

public sealed record HelpDepartmentDto(Guid Id, string Name);

/// <summary>Whom an agent can ask: people (leads and managers of their own team first) and departments.</summary>
public sealed record HelpersDto(IReadOnlyList<HelperDto> People, IReadOnlyList<HelpDepartmentDto> Departments);

public sealed record HelpQueueCount(int Open, int Overdue);

public sealed record HelpReasonRow(HelpReason Reason, int Asked, int Open, int Approved, int Declined, int Answered, int Withdrawn);

/// <summary>One helper: answers given, the median time to answer, the share within the response target, what waits now.</summary>
public sealed record HelperRow(Guid HelperId, string Name, int Answered, double? MedianMinutes, double? WithinTargetShare, int OpenNow, int OverdueNow);

/// <summary>Decisions asked per option: how many were approved, and how many of those a reasonable envelope would have covered.</summary>
public sealed record HelpOptionRow(Guid OptionId, string Option, int Asked, int Approved, int WithinReasonable);

public sealed record HelpReportDto(
    IReadOnlyList<HelpReasonRow> ByReason, IReadOnlyList<HelperRow> ByHelper, IReadOnlyList<HelpOptionRow> ByOption,
    int DecisionsApproved, int WithinReasonable, decimal ReasonableReach);

/// <summary>
/// Escalation as a partnership: the agent asks a colleague or a department for help on a case and keeps the case; the
/// helper joins it, answers within a target, and an approval is granted through the same ledger as any grant, under
/// the helper's envelope, told to the customer by the agent who has the case.
/// </summary>
internal sealed class HelpHandler(
    RibaltaDbContext db,
    ResolveHandler resolve,
    ICaseDirectory cases,
    IOptions<EmpowermentOptions> options,
    TimeProvider clock)
{
    private static readonly string[] HelperRoles = [StaffRoles.Frontline, StaffRoles.TeamLead, StaffRoles.Manager, StaffRoles.Department, StaffRoles.Admin];

    public async Task<Result<HelpRequestDto>> AskAsync(Actor agent, long caseId, HelpRequestInput input, CancellationToken ct)
    {
        var v = new ValidationBuilder()
            .Required("question", input.Question, HelpRequest.TextMax).NoControlCharacters("question", input.Question);
        if (input.Reason is not { } reason || !Enum.IsDefined(reason))
        {
            v.Add("reason", "Validation.Required");
        }

        var proposal = input.Proposal ?? [];
        if (proposal.Count > 10 || (input.Reason == HelpReason.AboveEnvelope && proposal.Count == 0))
        {
            v.Add("proposal", "Validation.ResolutionLines", 10);
        }

        if (input.HelperId is null == input.DepartmentId is null)
        {
            v.Add("helperId", "Validation.HelpWhom");
        }

        if (!Guid.TryParse(agent.Id, out var agentId))
        {
            return Error.Forbidden();
        }

        string? helperName = null;
        if (input.HelperId is { } helperId)
        {
            helperName = await HelpersQuery().Where(u => u.Id == helperId).Select(u => u.DisplayName).FirstOrDefaultAsync(ct);
            if (helperId == agentId)
            {
                v.Add("helperId", "Validation.HelperSelf");
            }
            else if (helperName is null)
            {
                v.Add("helperId", "Validation.HelperUnknown");
            }
        }

        if (input.DepartmentId is { } departmentId && !await db.Set<Department>().AnyAsync(d => d.Id == departmentId, ct))
        {
            v.Add("departmentId", "Validation.DepartmentUnknown");
        }

        var asked = await resolve.ReadLinesAsync(v, "proposal", proposal, ct);
        if (v.ToError() is { } invalid)
        {
            return invalid;
        }

        var open = await cases.OpenCaseAsync(caseId, ct);
        if (!open.IsSuccess)
        {
            return open.Error!;
        }

        var @case = open.Value;

        var now = clock.GetUtcNow();
        var request = new HelpRequest
        {
            CaseId = @case.Id,
            CustomerId = @case.CustomerId,
            CaseSubject = @case.Subject.Length > 300 ? @case.Subject[..300] : @case.Subject,
            Reason = input.Reason!.Value,
            Question = input.Question!.Trim(),
            Proposal = asked.Select(a => new ProposedLine(a.Line.OptionId, a.Line.Amount?.Amount, a.Line.Amount?.Currency.Code, a.Line.Quantity)).ToList(),
            Reach = asked.Count == 0 ? null : await resolve.ReachAsync(agentId, @case, asked, ct),
            AskedBy = agentId,
            AskedByName = agent.Name,
            AskerDepartmentId = await db.TeamOfAsync(agentId, ct),
            AskedAt = now,
            DueAt = now.AddMinutes(input.Reason == HelpReason.Question ? options.Value.HelpQuestionMinutes : options.Value.HelpDecisionMinutes),
            HelperId = input.HelperId,
            HelperName = helperName,
            DepartmentId = input.DepartmentId,
            Status = HelpStatus.Open,
        };
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.Add(request);
        await db.SaveChangesAsync(ct);

        // The event after the id exists: it names the request, so a helper's screen can find it.
        db.Append(clock, agent, EmpowermentEvents.HelpAsked, "case", @case.Id.ToString(CultureInfo.InvariantCulture), new
        {
            helpRequestId = request.Id,
            reason = request.Reason.ToString(),
            helperId = request.HelperId,
            departmentId = request.DepartmentId,
            askedBy = request.AskedBy,
            request.DueAt,
        }, @case.CustomerId);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return (await ToDtosAsync([request], ct))[0];
    }

    /// <summary>Someone in the department asked takes the request: they become its helper and join the case.</summary>
    public async Task<Result<HelpRequestDto>> TakeAsync(Actor helper, long id, CancellationToken ct)
    {
        var found = await OpenForAsync(helper, id, tracked: true, ct);
        if (!found.IsSuccess)
        {
            return found.Error!;
        }

        var (request, helperId) = found.Value;
        if (request.HelperId is null)
        {
            request.HelperId = helperId;
            request.HelperName = helper.Name;
            request.Version++;
            db.Append(clock, helper, EmpowermentEvents.HelpTaken, "case", request.CaseId.ToString(CultureInfo.InvariantCulture), new { helpRequestId = id, helperId, request.DepartmentId, request.AskedBy }, request.CustomerId);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                return Error.Conflict("Error.HelpTaken");
            }
        }

        return (await ToDtosAsync([request], ct))[0];
    }

    public async Task<Result<HelpRequestDto>> AnswerAsync(Actor helper, long id, HelpAnswerInput input, CancellationToken ct)
    {
        var v = new ValidationBuilder().Required("answer", input.Answer, HelpRequest.TextMax).NoControlCharacters("answer", input.Answer);
        if (input.Decision is not { } decision || !Enum.IsDefined(decision))
        {
            v.Add("decision", "Validation.Required");
        }

        if (input.Lines is { Count: > 10 })
        {
            v.Add("lines", "Validation.ResolutionLines", 10);
        }

        if (v.ToError() is { } shapeInvalid)
        {
            return shapeInvalid;
        }

        var found = await OpenForAsync(helper, id, tracked: false, ct);
        if (!found.IsSuccess)
        {
            return found.Error!;
        }

        var (request, helperId) = found.Value;
        var fits = request.Reason == HelpReason.Question ? input.Decision == HelpDecision.Answer : input.Decision != HelpDecision.Answer;
        if (!fits)
        {
            return Error.Validation("decision", "Validation.HelpDecision");
        }

        if (request.Reason == HelpReason.AboveEnvelope && input.Decision == HelpDecision.Approve && input.Lines is { Count: 0 })
        {
            // Approving a decision above the envelope grants something: the proposal (no lines given) or other lines.
            return Error.Validation("lines", "Validation.ResolutionLines", 10);
        }

        var answer = input.Answer!.Trim();
        var lines = input.Lines
            ?? request.Proposal.Select(p => new ResolutionLineInput(p.OptionId, p.Amount is { } a ? new MoneyDto(a, p.Currency) : null, p.Quantity)).ToList();
        if (input.Decision == HelpDecision.Approve && lines.Count > 0)
        {
            if (await cases.FindAsync(request.CaseId, ct) is not { } @case)
            {
                return Error.NotFound();
            }

            var asker = new Actor(ActorKind.Staff, request.AskedBy.ToString(), request.AskedByName);
            var granted = await resolve.ApproveAsync(helper, @case, lines, answer,
                new Approval(asker, id, resolutionId => MarkAsync(helper, helperId, id, HelpStatus.Approved, answer, resolutionId, ct)), ct);
            if (!granted.IsSuccess)
            {
                return granted.Error!;
            }
        }
        else
        {
            var status = input.Decision switch { HelpDecision.Approve => HelpStatus.Approved, HelpDecision.Decline => HelpStatus.Declined, _ => HelpStatus.Answered };
            if (await MarkAsync(helper, helperId, id, status, answer, null, ct) is { } refused)
            {
                return refused;
            }

            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                return Error.Conflict("Error.HelpClosed");
            }
        }

        db.ChangeTracker.Clear();
        var answered = await db.Set<HelpRequest>().AsNoTracking().FirstAsync(r => r.Id == id, ct);
        return (await ToDtosAsync([answered], ct))[0];
    }

    /// <summary>An open request addressed to <paramref name="helper"/>, or why they cannot act on it.</summary>
    private async Task<Result<(HelpRequest Request, Guid HelperId)>> OpenForAsync(Actor helper, long id, bool tracked, CancellationToken ct)
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

    /// <summary>Records the answer on the tracked request (the caller saves): one answer per request, whoever comes first.</summary>
    private async Task<Error?> MarkAsync(Actor helper, Guid helperId, long id, HelpStatus status, string answer, Guid? resolutionId, CancellationToken ct)
    {
        var request = await db.Set<HelpRequest>().FirstOrDefaultAsync(r => r.Id == id, ct);
        if (request is null || request.Status != HelpStatus.Open)
        {
            return Error.Conflict("Error.HelpClosed");
        }

        var now = clock.GetUtcNow();
        request.Status = status;
        request.Answer = answer;
        request.AnsweredBy = helperId;
        request.AnsweredByName = helper.Name;
        request.AnsweredAt = now;
        request.ResolutionId = resolutionId;
        request.HelperId ??= helperId;
        request.HelperName ??= helper.Name;
        request.Version++;
        db.Append(clock, helper, EmpowermentEvents.HelpAnswered, "case", request.CaseId.ToString(CultureInfo.InvariantCulture), new
        {
            helpRequestId = id,
            status = status.ToString(),
            resolutionId,
            askedBy = request.AskedBy,
            helperId,
            request.DepartmentId,
            minutes = Math.Round((now - request.AskedAt).TotalMinutes, 1),
            withinTarget = now <= request.DueAt,
        }, request.CustomerId);
        return null;
    }

    /// <summary>The agent no longer needs the help (they found the answer, the customer moved on).</summary>
    public async Task<Result<HelpRequestDto>> WithdrawAsync(Actor agent, long id, CancellationToken ct)
    {
        var request = await db.Set<HelpRequest>().FirstOrDefaultAsync(r => r.Id == id, ct);
        if (request is null || request.AskedBy.ToString() != agent.Id)
        {
            return request is null ? Error.NotFound() : Error.Forbidden("Error.NotYourHelpRequest");
        }

        if (request.Status != HelpStatus.Open)
        {
            return Error.Conflict("Error.HelpClosed");
        }

        request.Status = HelpStatus.Withdrawn;
        request.AnsweredAt = clock.GetUtcNow();
        request.Version++;
        db.Append(clock, agent, EmpowermentEvents.HelpWithdrawn, "case", request.CaseId.ToString(CultureInfo.InvariantCulture), new { helpRequestId = id, request.HelperId, request.DepartmentId, request.AskedBy }, request.CustomerId);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Error.Conflict("Error.HelpClosed");
        }

        return (await ToDtosAsync([request], ct))[0];
    }

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

    /// <summary>
    /// Over [from, to) of asking: requests per reason; per helper, answers, median time to answer and the share within
    /// target; per option, decisions asked and approved, and how many a reasonable envelope (the agent's room times
    /// <see cref="EmpowermentOptions.ReasonableReach"/>) would have covered: frequent help for the same thing points at
    /// the envelope or a rule, not at the agent.
    /// </summary>
    public async Task<HelpReportDto> ReportAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var rows = await db.Set<HelpRequest>().AsNoTracking().Where(r => r.AskedAt >= from && r.AskedAt < to)
            .OrderBy(r => r.AskedAt)
            .Select(r => new { r.Reason, r.Status, r.AnsweredBy, r.AnsweredByName, r.AskedAt, r.AnsweredAt, r.DueAt, r.Reach, r.Proposal, r.HelperId, r.HelperName })
            .Take(200_000).ToListAsync(ct);
        var now = clock.GetUtcNow();
        var reasonable = options.Value.ReasonableReach;
        var byReason = Enum.GetValues<HelpReason>().Select(reason =>
        {
            var of = rows.Where(r => r.Reason == reason).ToList();
            return new HelpReasonRow(reason, of.Count, of.Count(r => r.Status == HelpStatus.Open), of.Count(r => r.Status == HelpStatus.Approved),
                of.Count(r => r.Status == HelpStatus.Declined), of.Count(r => r.Status == HelpStatus.Answered), of.Count(r => r.Status == HelpStatus.Withdrawn));
        }).ToList();

        var answeredRows = rows.Where(r => r.AnsweredBy is not null && r.AnsweredAt is not null).ToList();
        var overdueInPeriod = rows.Where(r => r.Status == HelpStatus.Open && r.HelperId is not null && r.DueAt < now).ToList();

        // What waits now is what waits now, whenever it was asked.
        var waiting = await db.Set<HelpRequest>().AsNoTracking().Where(r => r.Status == HelpStatus.Open && r.HelperId != null)
            .OrderBy(r => r.DueAt)
            .Select(r => new { HelperId = r.HelperId!.Value, r.HelperName, r.DueAt }).Take(100_000).ToListAsync(ct);
        var helpers = answeredRows.Select(r => (r.AnsweredBy!.Value, r.AnsweredByName!)).Concat(waiting.Select(r => (r.HelperId, r.HelperName ?? "")))
            .DistinctBy(h => h.Item1).ToList();
        var byHelper = helpers.Select(h =>
        {
            var answered = answeredRows.Where(r => r.AnsweredBy == h.Item1).ToList();
            var minutes = answered.Select(r => (r.AnsweredAt!.Value - r.AskedAt).TotalMinutes).Order().ToList();
            var missed = overdueInPeriod.Count(r => r.HelperId == h.Item1);
            var mine = waiting.Where(r => r.HelperId == h.Item1).ToList();

            // Within target: answered in time, out of those answered and those still open past their target.
            var judged = answered.Count + missed;
            return new HelperRow(h.Item1, h.Item2, answered.Count, minutes.Count == 0 ? null : Math.Round(Median(minutes), 1),
                judged == 0 ? null : Math.Round((double)answered.Count(r => r.AnsweredAt <= r.DueAt) / judged, 3),
                mine.Count, mine.Count(r => r.DueAt < now));
        }).OrderByDescending(h => h.OverdueNow).ThenByDescending(h => h.MedianMinutes).ToList();

        var decisions = rows.Where(r => r.Reason == HelpReason.AboveEnvelope).ToList();
        bool Within(decimal? reach) => reach is { } x && x <= reasonable;
        var optionIds = decisions.SelectMany(r => r.Proposal.Select(p => p.OptionId)).Distinct().ToList();
        var catalogue = await db.Set<ResolutionOption>().AsNoTracking().Where(o => optionIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, ct);
        var language = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName;
        var byOption = optionIds.Where(catalogue.ContainsKey).Select(optionId =>
        {
            var of = decisions.Where(r => r.Proposal.Any(p => p.OptionId == optionId)).ToList();
            var approved = of.Where(r => r.Status == HelpStatus.Approved).ToList();
            return new HelpOptionRow(optionId, catalogue[optionId].NameIn(language), of.Count, approved.Count, approved.Count(r => Within(r.Reach)));
        }).OrderByDescending(o => o.Asked).ToList();
        var approvedDecisions = decisions.Where(r => r.Status == HelpStatus.Approved).ToList();
        return new HelpReportDto(byReason, byHelper, byOption, approvedDecisions.Count, approvedDecisions.Count(r => Within(r.Reach)), reasonable);
    }

    private static double Median(List<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;

    /// <summary>A request is for its named helper, or (until someone takes it) for anyone in the department asked.</summary>
    private async Task<bool> IsAddressedToAsync(HelpRequest request, Guid staffId, CancellationToken ct) =>
        request.HelperId == staffId
        || (request.HelperId is null && request.DepartmentId is { } asked && await DepartmentOfAsync(staffId, ct) == asked);

    public Task<Guid?> DepartmentOfAsync(Guid staffId, CancellationToken ct) => db.TeamOfAsync(staffId, ct);

    /// <summary>Active people who work cases.</summary>
    private IQueryable<StaffUser> HelpersQuery() =>
        db.Users.AsNoTracking().Where(u => u.IsActive && (from userRole in db.UserRoles
                                                          join role in db.Roles on userRole.RoleId equals role.Id
                                                          where userRole.UserId == u.Id && HelperRoles.Contains(role.Name!)
                                                          select 1).Any());

    private async Task<List<HelpRequestDto>> ToDtosAsync(IReadOnlyList<HelpRequest> rows, CancellationToken ct)
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
}
