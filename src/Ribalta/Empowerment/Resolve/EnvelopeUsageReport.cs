using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Ribalta.Empowerment.Data;
using Ribalta.Empowerment.Domain;
using Ribalta.Platform.Data;

namespace Ribalta.Empowerment.Resolve;

/// <summary>
/// Per option and team over [from, to): how often it was granted and how often a limit stopped an agent, by limit.
/// A high share of limits reached says the envelope is too small: a system problem for its owners, not the agents'.
/// </summary>
internal sealed class EnvelopeUsageReport(RibaltaDbContext db)
{
    public async Task<IReadOnlyList<EnvelopeUsageRow>> UsageAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var grants = await db.Set<Grant>().AsNoTracking().Where(g => g.GrantedAt >= from && g.GrantedAt < to)
            .Join(db.Users, g => g.GrantedBy, u => u.Id, (g, u) => new { g.OptionId, u.DepartmentId })
            .GroupBy(g => new { g.OptionId, g.DepartmentId }).Select(g => new { g.Key.OptionId, g.Key.DepartmentId, Count = g.Count() }).ToListAsync(ct);
        var refusals = await db.Set<EnvelopeRefusal>().AsNoTracking().Where(r => r.At >= from && r.At < to)
            .GroupBy(r => new { r.OptionId, r.DepartmentId, r.Limit }).Select(g => new { g.Key.OptionId, g.Key.DepartmentId, g.Key.Limit, Count = g.Count() }).ToListAsync(ct);
        var names = await db.Set<ResolutionOption>().AsNoTracking().ToDictionaryAsync(o => o.Id, ct);
        var departments = await db.Set<Platform.Identity.Department>().AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Name, ct);
        var language = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName;
        return grants.Select(g => (g.OptionId, g.DepartmentId)).Concat(refusals.Select(r => (r.OptionId, r.DepartmentId))).Distinct()
            .Where(key => names.ContainsKey(key.OptionId))
            .Select(key =>
            {
                var granted = grants.Where(g => g.OptionId == key.OptionId && g.DepartmentId == key.DepartmentId).Sum(g => g.Count);
                var byLimit = refusals.Where(r => r.OptionId == key.OptionId && r.DepartmentId == key.DepartmentId)
                    .ToDictionary(r => r.Limit.ToString(), r => r.Count);
                // "Not in the envelope" and "another currency" are kept by limit but are not the envelope being too small.
                var reached = byLimit.Where(b => b.Key is not (nameof(EnvelopeLimit.NotInEnvelope) or nameof(EnvelopeLimit.Currency))).Sum(b => b.Value);
                return new EnvelopeUsageRow(key.OptionId, names[key.OptionId].NameIn(language), key.DepartmentId,
                    key.DepartmentId is { } d ? departments.GetValueOrDefault(d) : null, granted, reached, byLimit,
                    granted + reached == 0 ? 0 : Math.Round((double)reached / (granted + reached), 3));
            })
            .OrderByDescending(r => r.ReachedShare).ThenByDescending(r => r.LimitReached).ToList();
    }
}
