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
/// helper joins it and answers within a target (a decision sooner than a question). A proposal is read against the
/// catalogue, and how far it goes past the agent's own envelope is kept for the help report.
/// </summary>
internal sealed class AskHelpHandler(
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
}
