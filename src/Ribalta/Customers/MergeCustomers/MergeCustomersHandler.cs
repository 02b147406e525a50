using Microsoft.EntityFrameworkCore;
using Ribalta.Customers.Contracts;
using Ribalta.Customers.Contracts.Events;
using Ribalta.Customers.Domain;
using Ribalta.Customers.ViewCustomer;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;

namespace Ribalta.Customers.MergeCustomers;

/// <summary>
/// Folds a duplicate record into the one that stays: contact points, segments and notes move over, nothing is lost,
/// and the duplicate keeps only a pointer so old links and its history still lead to the person.
/// </summary>
internal sealed class MergeCustomersHandler(RibaltaDbContext db, CustomerReader reader, TimeProvider clock)
{
    public async Task<Result<CustomerDetails>> HandleAsync(Actor actor, Guid targetId, Guid sourceId, CancellationToken ct)
    {
        if (targetId == sourceId)
        {
            return Error.Validation("sourceId", "Validation.MergeSelf");
        }

        var pair = await db.Set<Customer>()
            .Include(c => c.ContactPoints).Include(c => c.Segments).Include(c => c.SearchTerms)
            .AsSplitQuery()
            .Where(c => c.Id == targetId || c.Id == sourceId)
            .ToListAsync(ct);
        var target = pair.FirstOrDefault(c => c.Id == targetId);
        var source = pair.FirstOrDefault(c => c.Id == sourceId);
        if (target is null || source is null)
        {
            return Error.NotFound();
        }

        if (target.MergedIntoId is not null || source.MergedIntoId is not null)
        {
            return Error.Conflict("Error.CustomerMerged");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);

        // Contact points are unique per kind and value; remove them from the source first so the move cannot collide.
        var moving = source.ContactPoints.Where(p => !target.ContactPoints.Any(t => t.Kind == p.Kind && t.NormalizedValue == p.NormalizedValue)).ToList();
        source.ContactPoints.Clear();
        source.SearchTerms.Clear();
        await db.SaveChangesAsync(ct);
        foreach (var point in moving)
        {
            target.ContactPoints.Add(new ContactPoint { CustomerId = target.Id, Kind = point.Kind, Value = point.Value, NormalizedValue = point.NormalizedValue });
        }

        foreach (var segment in source.Segments.Where(s => target.Segments.All(t => t.SegmentId != s.SegmentId)))
        {
            target.Segments.Add(new CustomerSegment { CustomerId = target.Id, SegmentId = segment.SegmentId });
        }

        if (!string.IsNullOrWhiteSpace(source.Notes))
        {
            var combined = string.IsNullOrWhiteSpace(target.Notes) ? source.Notes : $"{target.Notes}\n\n{source.Notes}";
            target.Notes = combined.Length > Data.CustomerConfiguration.NotesMax ? combined[..Data.CustomerConfiguration.NotesMax] : combined;
        }

        target.PreferredLanguage ??= source.PreferredLanguage;
        target.OrganisationId ??= source.OrganisationId;

        // Consent is the most careful of the two: a "no" given on either record still stands.
        target.SetConsent(new ConsentFlags(
            target.ConsentEmail && source.ConsentEmail,
            target.ConsentPhone && source.ConsentPhone,
            target.ConsentSurveys && source.ConsentSurveys,
            target.ConsentMarketing && source.ConsentMarketing));

        var organisation = await db.Set<Organisation>().Where(o => o.Id == target.OrganisationId).Select(o => o.Name).FirstOrDefaultAsync(ct);
        CustomerInputRules.SyncSearchTerms(target, organisation);

        var now = clock.GetUtcNow();
        source.MergedIntoId = target.Id;
        source.Touch(now);
        target.Touch(now);

        // Records merged earlier into the source now point straight at the target.
        await db.Set<Customer>().Where(c => c.MergedIntoId == source.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.MergedIntoId, target.Id), ct);

        db.Append(clock, actor, new CustomerMerged(source.Id, source.DisplayName, moving.Count), "customer", target.Id.ToString(), target.Id);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);

        return (await reader.FindAsync(target.Id, ct))!;
    }
}
