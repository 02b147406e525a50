using Microsoft.EntityFrameworkCore;
using Ribalta.Cases.Contracts.Events;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;

namespace Ribalta.Cases.Routing;

/// <summary>The organisation's routing as shown back: the department new requests go to, when one is set.</summary>
public sealed record RoutingDto(Guid? DefaultDepartmentId, string? DefaultDepartmentName);

/// <summary>The department new requests go to; empty (null) for none.</summary>
public sealed record RoutingInput(Guid? DefaultDepartmentId);

/// <summary>
/// Where a new case starts, whichever door it came through (portal, email, chat, the API, staff). Every door opens
/// cases through <see cref="OpenCase.OpenCaseHandler"/>, which asks here; a door only says which department it
/// names itself (a mailbox's, a chat widget's, the one staff chose; never one a customer picked).
/// </summary>
internal sealed class CaseRouting(RibaltaDbContext db, TimeProvider clock)
{
    /// <summary>The door's own department when it names one, else the organisation's department for new requests.</summary>
    public async Task<Guid?> DepartmentForNewCaseAsync(Guid? doorDepartment, CancellationToken ct) =>
        doorDepartment ?? await db.Set<RoutingSettings>().AsNoTracking()
            .Where(s => s.Id == RoutingSettings.Organisation).Select(s => s.DefaultDepartmentId).FirstOrDefaultAsync(ct);

    public async Task<RoutingDto> GetAsync(CancellationToken ct)
    {
        var department = await DepartmentForNewCaseAsync(null, ct);
        var name = department is { } id ? await db.Set<Department>().Where(d => d.Id == id).Select(d => d.Name).FirstOrDefaultAsync(ct) : null;
        return new RoutingDto(department, name);
    }

    /// <summary>Sets the department new requests go to; an unknown department is refused and nothing changes.</summary>
    public async Task<Result<RoutingDto>> SaveAsync(Actor actor, RoutingInput input, CancellationToken ct)
    {
        if (input.DefaultDepartmentId is { } department && !await db.Set<Department>().AnyAsync(d => d.Id == department, ct))
        {
            return Error.Validation("defaultDepartmentId", "Validation.DepartmentUnknown");
        }

        var settings = await db.Set<RoutingSettings>().FirstOrDefaultAsync(s => s.Id == RoutingSettings.Organisation, ct);
        if (settings is null)
        {
            // Only a database whose row was removed by hand lacks it: put it back.
            settings = new RoutingSettings();
            db.Add(settings);
        }

        if (settings.DefaultDepartmentId != input.DefaultDepartmentId)
        {
            db.Append(clock, actor, new RoutingUpdated(settings.DefaultDepartmentId, input.DefaultDepartmentId), "routing", "organisation");
            settings.DefaultDepartmentId = input.DefaultDepartmentId;
            settings.UpdatedAt = clock.GetUtcNow();
            await db.SaveChangesAsync(ct);
        }

        return await GetAsync(ct);
    }
}
