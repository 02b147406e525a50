using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Ribalta.Empowerment.Contracts;
using Ribalta.Empowerment.Contracts.Events;
using Ribalta.Empowerment.Data;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;

namespace Ribalta.Empowerment.Help;

internal sealed class WithdrawHelpHandler(RibaltaDbContext db, HelpQueue queue, TimeProvider clock)
{
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
}
