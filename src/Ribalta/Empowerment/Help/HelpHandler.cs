using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Ribalta.Cases.Contracts;
using Ribalta.Empowerment.Contracts;
using Ribalta.Empowerment.Contracts.Events;
using Ribalta.Empowerment.Data;
using Ribalta.Empowerment.Resolve;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;

namespace Ribalta.Empowerment.Help;

/// <summary>
/// Escalation as a partnership: the agent asks a colleague or a department for help on a case and keeps the case; the
/// helper joins it, answers within a target, and an approval is granted through the same ledger as any grant, under
/// the helper's envelope, told to the customer by the agent who has the case.
/// </summary>
internal sealed class HelpHandler(
    RibaltaDbContext db,
    GrantHandler grant,
    EnvelopeHeadroom headroom,
    ICaseDirectory cases,
    HelpQueue queue,
    IOptions<EmpowermentOptions> options,
    TimeProvider clock)
{
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
            helperName = await queue.HelpersQuery().Where(u => u.Id == helperId).Select(u => u.DisplayName).FirstOrDefaultAsync(ct);
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

        var asked = await grant.ReadLinesAsync(v, "proposal", proposal, ct);
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
            Reach = asked.Count == 0 ? null : await headroom.ReachAsync(agentId, @case, asked, ct),
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
        db.Append(
            clock,
            agent,
            new HelpAsked(request.Id, request.Reason, request.HelperId, request.DepartmentId, request.AskedBy, request.DueAt),
            "case",
            @case.Id.ToString(CultureInfo.InvariantCulture),
            @case.CustomerId);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return (await queue.ToDtosAsync([request], ct))[0];
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
            db.Append(clock, helper, new HelpTaken(id, helperId, request.DepartmentId, request.AskedBy), "case", request.CaseId.ToString(CultureInfo.InvariantCulture), request.CustomerId);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                return Error.Conflict("Error.HelpTaken");
            }
        }

        return (await queue.ToDtosAsync([request], ct))[0];
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
            var granted = await grant.ApproveAsync(helper, @case, lines, answer,
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
        return (await queue.ToDtosAsync([answered], ct))[0];
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
            var taken = request.HelperId is not null && request.DepartmentId is { } asked && await queue.DepartmentOfAsync(helperId, ct) == asked;
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
        var answered = new HelpAnswered(
            id, status, resolutionId, request.AskedBy, helperId, request.DepartmentId, Math.Round((now - request.AskedAt).TotalMinutes, 1), WithinTarget: now <= request.DueAt);
        db.Append(clock, helper, answered, "case", request.CaseId.ToString(CultureInfo.InvariantCulture), request.CustomerId);
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
        db.Append(clock, agent, new HelpWithdrawn(id, request.HelperId, request.DepartmentId, request.AskedBy), "case", request.CaseId.ToString(CultureInfo.InvariantCulture), request.CustomerId);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Error.Conflict("Error.HelpClosed");
        }

        return (await queue.ToDtosAsync([request], ct))[0];
    }

    /// <summary>A request is for its named helper, or (until someone takes it) for anyone in the department asked.</summary>
    private async Task<bool> IsAddressedToAsync(HelpRequest request, Guid staffId, CancellationToken ct) =>
        request.HelperId == staffId
        || (request.HelperId is null && request.DepartmentId is { } asked && await queue.DepartmentOfAsync(staffId, ct) == asked);
}
