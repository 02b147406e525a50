using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Ribalta.Cases.Contracts;
using Ribalta.Empowerment.Contracts;
using Ribalta.Empowerment.Contracts.Events;
using Ribalta.Empowerment.Data;
using Ribalta.Empowerment.Resolve;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;

namespace Ribalta.Empowerment.Help;

/// <summary>
/// The helper answers: approves (granted through the same ledger as any grant, under the helper's envelope, told to the
/// customer by the agent who has the case), declines, or answers a question; always with words.
/// </summary>
internal sealed class AnswerHelpHandler(RibaltaDbContext db, GrantHandler grant, ICaseDirectory cases, HelpQueue queue, TimeProvider clock)
{
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

        var found = await queue.OpenForAsync(helper, id, tracked: false, ct);
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
}
