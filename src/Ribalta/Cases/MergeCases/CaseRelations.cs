using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Contracts.Events;
using Ribalta.Cases.Domain;
using Ribalta.Cases.Search;
using Ribalta.Cases.ViewCase;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;

namespace Ribalta.Cases.MergeCases;

public sealed record MergeCasesRequest(long SourceId);

public sealed record LinkRequest(long CaseId);

/// <summary>
/// Merging folds a duplicate case of the same customer into another: its conversation moves over, in order, and
/// the duplicate is closed pointing at the survivor. Linking only relates two cases about the same matter.
/// </summary>
internal sealed class CaseRelations(RibaltaDbContext db, CaseReader reader, Targets.CaseTargets targets, TimeProvider clock)
{
    public async Task<Result<CaseDetails>> MergeAsync(Actor actor, long targetId, long sourceId, CancellationToken ct)
    {
        if (targetId == sourceId)
        {
            return Error.Validation("sourceId", "Validation.MergeSelf");
        }

        var pair = await db.Set<Case>().Include(c => c.Tags).Where(c => c.Id == targetId || c.Id == sourceId).ToListAsync(ct);
        var target = pair.FirstOrDefault(c => c.Id == targetId);
        var source = pair.FirstOrDefault(c => c.Id == sourceId);
        if (target is null || source is null)
        {
            return Error.NotFound();
        }

        if (target.CustomerId != source.CustomerId)
        {
            return Error.Validation("sourceId", "Validation.MergeOtherCustomer");
        }

        if (target.Status == CaseStatus.Closed || source.MergedIntoId is not null || target.MergedIntoId is not null)
        {
            return Error.Conflict("Error.CaseClosed");
        }

        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // The search entries first, found through the source's messages (by the messages' case index) before they move.
        var moving = db.Set<Message>().Where(m => m.CaseId == sourceId);
        await db.Set<SearchEntry>().Where(e => moving.Select(m => m.Id).Contains(e.MessageId)).ExecuteUpdateAsync(s => s.SetProperty(e => e.CaseId, targetId), ct);
        await moving.ExecuteUpdateAsync(s => s.SetProperty(m => m.CaseId, targetId), ct);
        foreach (var tag in source.Tags.Where(t => target.Tags.All(x => x.Tag != t.Tag)))
        {
            target.Tags.Add(new CaseTag { CaseId = targetId, Tag = tag.Tag });
        }

        source.MergedIntoId = targetId;
        if (source.Status != CaseStatus.Solved)
        {
            source.MoveTo(CaseStatus.Solved, now);
        }

        source.MoveTo(CaseStatus.Closed, now);
        source.Touch(now);
        if (target.Status is CaseStatus.Solved)
        {
            target.MoveTo(CaseStatus.Open, now);
        }

        await targets.SyncAsync(source, now, ct);
        await targets.SyncAsync(target, now, ct);
        target.Touch(now);
        db.Append(clock, actor, new CaseMerged(sourceId, source.Subject), "case", targetId.ToString(CultureInfo.InvariantCulture), target.CustomerId);
        db.Append(clock, actor, new CaseStatusChanged(null, CaseStatus.Closed, MergedInto: targetId), "case", sourceId.ToString(CultureInfo.InvariantCulture), source.CustomerId);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Error.StaleVersion();
        }

        await transaction.CommitAsync(ct);
        return (await reader.FindAsync(targetId, CaseViewer.Staff, ct))!;
    }

    public async Task<Result<CaseDetails>> LinkAsync(Actor actor, long caseId, long otherId, bool link, CancellationToken ct)
    {
        if (caseId == otherId)
        {
            return Error.Validation("caseId", "Validation.LinkSelf");
        }

        var cases = await db.Set<Case>().AsNoTracking().Where(c => c.Id == caseId || c.Id == otherId).Select(c => new { c.Id, c.CustomerId }).ToListAsync(ct);
        if (cases.Count != 2)
        {
            return Error.NotFound();
        }

        var (a, b) = CaseLink.Order(caseId, otherId);
        var existing = await db.Set<CaseLink>().FirstOrDefaultAsync(l => l.CaseId == a && l.OtherCaseId == b, ct);
        if (link && existing is null)
        {
            db.Add(new CaseLink { CaseId = a, OtherCaseId = b, CreatedAt = clock.GetUtcNow() });
        }
        else if (!link && existing is not null)
        {
            db.Remove(existing);
        }
        else
        {
            return (await reader.FindAsync(caseId, CaseViewer.Staff, ct))!;
        }

        foreach (var c in cases)
        {
            var other = c.Id == caseId ? otherId : caseId;
            if (link)
            {
                db.Append(clock, actor, new CaseLinked(other), "case", c.Id.ToString(CultureInfo.InvariantCulture), c.CustomerId);
            }
            else
            {
                db.Append(clock, actor, new CaseUnlinked(other), "case", c.Id.ToString(CultureInfo.InvariantCulture), c.CustomerId);
            }
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            // Someone linked the same pair a moment ago: the link exists, which is what was asked.
        }

        return (await reader.FindAsync(caseId, CaseViewer.Staff, ct))!;
    }
}
