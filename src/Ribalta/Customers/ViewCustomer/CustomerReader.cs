using Microsoft.EntityFrameworkCore;
using Ribalta.Customers.Contracts;
using Ribalta.Customers.Domain;
using Ribalta.Platform.Data;
using Ribalta.Platform.Events;

namespace Ribalta.Customers.ViewCustomer;

public sealed record TimelineEntry(long Id, DateTimeOffset OccurredAt, string Type, ActorKind ActorKind, string? ActorName, string SubjectType, string SubjectId, string Payload);

public sealed record TimelinePage(IReadOnlyList<TimelineEntry> Items, long? Next);

/// <summary>Reads of one customer: details by projection, and their timeline straight from the event log.</summary>
internal sealed class CustomerReader(RibaltaDbContext db)
{
    public const int TimelinePageSize = 50;

    public async Task<CustomerDetails?> FindAsync(Guid id, CancellationToken ct)
    {
        var row = await db.Set<Customer>().AsNoTracking()
            .Where(c => c.Id == id)
            .Select(c => new
            {
                c.Id,
                c.DisplayName,
                c.PreferredLanguage,
                c.Relationship,
                Organisation = db.Set<Organisation>().Where(o => o.Id == c.OrganisationId).Select(o => o.Name).FirstOrDefault(),
                Contacts = c.ContactPoints.OrderBy(p => p.Kind).ThenBy(p => p.Id).Select(p => new ContactPointDto(p.Kind, p.Value)).ToList(),
                Segments = c.Segments.Join(db.Set<Segment>(), cs => cs.SegmentId, s => s.Id, (cs, s) => new SegmentDto(s.Id, s.Name, s.Description)).ToList(),
                c.Notes,
                c.ConsentEmail,
                c.ConsentPhone,
                c.ConsentSurveys,
                c.ConsentMarketing,
                c.CreatedAt,
                c.UpdatedAt,
                c.Version,
                c.MergedIntoId,
            })
            .AsSplitQuery()
            .FirstOrDefaultAsync(ct);

        return row is null
            ? null
            : new CustomerDetails(
                row.Id,
                row.DisplayName,
                row.PreferredLanguage,
                row.Relationship,
                row.Organisation,
                row.Contacts,
                row.Segments.OrderBy(s => s.Name, StringComparer.CurrentCulture).ToList(),
                row.Notes,
                new ConsentFlags(row.ConsentEmail, row.ConsentPhone, row.ConsentSurveys, row.ConsentMarketing),
                row.CreatedAt,
                row.UpdatedAt,
                row.Version,
                row.MergedIntoId);
    }

    /// <summary>Newest first, including the history of every record merged into this one.</summary>
    public async Task<TimelinePage?> TimelineAsync(Guid id, long? before, CancellationToken ct)
    {
        if (!await db.Set<Customer>().AnyAsync(c => c.Id == id, ct))
        {
            return null;
        }

        var ids = await db.Set<Customer>().Where(c => c.MergedIntoId == id).Select(c => c.Id).ToListAsync(ct);
        ids.Add(id);

        var query = db.Events.AsNoTracking().Where(e => e.CustomerId != null && ids.Contains(e.CustomerId.Value));
        if (before is { } cursor)
        {
            query = query.Where(e => e.Id < cursor);
        }

        var items = await query
            .OrderByDescending(e => e.Id)
            .Take(TimelinePageSize + 1)
            .Select(e => new TimelineEntry(e.Id, e.OccurredAt, e.Type, e.ActorKind, e.ActorName, e.SubjectType, e.SubjectId, e.Payload))
            .ToListAsync(ct);

        var next = items.Count > TimelinePageSize ? items[TimelinePageSize - 1].Id : (long?)null;
        return new TimelinePage(items.Take(TimelinePageSize).ToList(), next);
    }
}
