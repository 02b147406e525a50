using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Ribalta.Empowerment.Contracts.Events;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;

namespace Ribalta.Empowerment.Help;

internal sealed class TakeHelpHandler(RibaltaDbContext db, HelpQueue queue, TimeProvider clock)
{
    /// <summary>Someone in the department asked takes the request: they become its helper and join the case.</summary>
    public async Task<Result<HelpRequestDto>> TakeAsync(Actor helper, long id, CancellationToken ct)
    {
        var found = await queue.OpenForAsync(helper, id, tracked: true, ct);
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
}
