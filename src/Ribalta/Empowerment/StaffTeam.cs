using Microsoft.EntityFrameworkCore;
using Ribalta.Platform.Data;

namespace Ribalta.Empowerment;

internal static class StaffTeam
{
    /// <summary>The team (department) a member of staff is in now, or null.</summary>
    public static Task<Guid?> TeamOfAsync(this RibaltaDbContext db, Guid staffId, CancellationToken ct) =>
        db.Users.AsNoTracking().Where(u => u.Id == staffId).Select(u => u.DepartmentId).FirstOrDefaultAsync(ct);
}
