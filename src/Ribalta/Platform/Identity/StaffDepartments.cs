using Microsoft.EntityFrameworkCore;
using Ribalta.Platform.Contracts.Events;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;

namespace Ribalta.Platform.Identity;

public sealed record DepartmentInput(string? Name);

public sealed record StaffDepartmentInput(Guid? DepartmentId);

/// <summary>Teams and back-office departments: named, renamed, and who belongs to which.</summary>
public sealed class StaffDepartments(RibaltaDbContext db, StaffDirectory directory, TimeProvider clock)
{
    public const int DepartmentNameMax = 200;

    /// <summary>Creates a department, or renames one when <paramref name="id"/> is given. Names are unique, ignoring case.</summary>
    public async Task<Result<DepartmentDto>> SaveDepartmentAsync(Actor actor, Guid? id, DepartmentInput input, CancellationToken ct)
    {
        var v = new ValidationBuilder().Required("name", input.Name, DepartmentNameMax).NoControlCharacters("name", input.Name);
        if (v.ToError() is { } invalid)
        {
            return invalid;
        }

        var name = input.Name!.Trim();
        var department = id is { } existing ? await db.Set<Department>().FirstOrDefaultAsync(d => d.Id == existing, ct) : new Department { Name = name };
        if (department is null)
        {
            return Error.NotFound();
        }

        var upper = name.ToUpperInvariant();
        if ((await db.Set<Department>().Where(d => d.Id != department.Id).Select(d => d.Name).ToListAsync(ct)).Any(n => n.ToUpperInvariant() == upper))
        {
            return Error.Validation("name", "Validation.DepartmentTaken", name);
        }

        var before = department.Name;
        department.Name = name;
        if (id is null)
        {
            db.Add(department);
        }

        if (id is null)
        {
            db.Append(clock, actor, new DepartmentCreated(null, name), "department", department.Id.ToString());
        }
        else
        {
            db.Append(clock, actor, new DepartmentRenamed(before, name), "department", department.Id.ToString());
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            return Error.Validation("name", "Validation.DepartmentTaken", name);
        }

        return (await directory.DepartmentsAsync(ct)).First(d => d.Id == department.Id);
    }

    /// <summary>Puts someone in a department (their team), or in none.</summary>
    public async Task<Result<StaffSummary>> SetDepartmentAsync(Actor actor, Guid userId, Guid? departmentId, CancellationToken ct)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null)
        {
            return Error.NotFound();
        }

        if (departmentId is { } d && !await db.Set<Department>().AnyAsync(x => x.Id == d, ct))
        {
            return Error.Validation("departmentId", "Validation.DepartmentUnknown");
        }

        if (user.DepartmentId != departmentId)
        {
            db.Append(clock, actor, new StaffDepartmentChanged(user.DepartmentId, departmentId), "staff", user.Id.ToString());
            user.DepartmentId = departmentId;
            await db.SaveChangesAsync(ct);
        }

        return (await directory.ListOneAsync(user.Id, ct))!;
    }
}
