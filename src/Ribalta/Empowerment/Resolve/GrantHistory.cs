using Microsoft.EntityFrameworkCore;
using Ribalta.Empowerment.Data;
using Ribalta.Platform.Data;

namespace Ribalta.Empowerment.Resolve;

/// <summary>What was granted: on a case, for its page, or every grant in a period, for the export.</summary>
internal sealed class GrantHistory(RibaltaDbContext db)
{
    /// <summary>The grants of a case, newest first.</summary>
    public async Task<IReadOnlyList<GrantDto>> ForCaseAsync(long caseId, CancellationToken ct)
    {
        var grants = await db.Set<Grant>().AsNoTracking().Where(g => g.CaseId == caseId).OrderByDescending(g => g.Id).Take(200).ToListAsync(ct);
        var ids = grants.Select(g => g.OptionId).Distinct().ToList();
        var catalogue = await db.Set<ResolutionOption>().AsNoTracking().Where(o => ids.Contains(o.Id)).ToDictionaryAsync(o => o.Id, ct);
        return grants.Select(g => GrantDto.From(g, catalogue[g.OptionId])).ToList();
    }

    /// <summary>Every grant granted in [from, to), oldest first, read as it is written out (a year of grants is never held in memory).</summary>
    public async IAsyncEnumerable<GrantExportRow> ExportAsync(DateTimeOffset from, DateTimeOffset to, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var rows = db.Set<Grant>().AsNoTracking().Where(g => g.GrantedAt >= from && g.GrantedAt < to).OrderBy(g => g.Id)
            .Join(db.Set<ResolutionOption>(), g => g.OptionId, o => o.Id, (g, o) => new { Grant = g, Option = o })
            .AsAsyncEnumerable().WithCancellation(ct);
        await foreach (var r in rows)
        {
            yield return new GrantExportRow(
                r.Grant.Id, r.Grant.GrantedAt, r.Grant.CaseId, r.Grant.CustomerId, r.Option.NameIn("en"), r.Option.Kind.ToString(), r.Grant.Amount, r.Grant.Currency,
                r.Grant.Quantity, r.Grant.GrantedByName, r.Grant.GrantedBy, r.Grant.Reason, r.Grant.ReversedAt, r.Grant.ReversalReason);
        }
    }
}
