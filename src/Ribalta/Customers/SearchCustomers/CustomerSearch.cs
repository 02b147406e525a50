using Microsoft.EntityFrameworkCore;
using Ribalta.Customers.Contracts;
using Ribalta.Customers.Domain;
using Ribalta.Platform.Data;

namespace Ribalta.Customers.SearchCustomers;

public sealed record CustomerQuery(string? Text = null, Guid? SegmentId = null, RelationshipType? Relationship = null, string? Language = null, string? After = null, int Limit = 50);

/// <summary>
/// Finds customers by any word of their name or organisation, email, handle or phone, ignoring case and accents,
/// by prefix ranges over an indexed term table. Pages newest first with a keyset cursor.
/// </summary>
/// <remarks>
/// Two plans, both bounded: when some word matches few people (a surname, an email), their ids come from the term
/// index and only they are read; when every word is common ("a"), customers are walked newest first and the walk
/// stops as soon as a page is full, which is quick precisely because matches are everywhere.
/// </remarks>
internal sealed class CustomerSearch(RibaltaDbContext db)
{
    public const int MaxLimit = 200;

    /// <summary>Up to this many matches for a word, its people are read by id; beyond, the newest-first walk is cheaper.</summary>
    private const int Narrow = 2000;

    public async Task<CustomerPage> SearchAsync(CustomerQuery query, CancellationToken ct)
    {
        var limit = Math.Clamp(query.Limit, 1, MaxLimit);
        var customers = db.Set<Customer>().AsNoTracking();

        List<Guid>? candidates = null;
        foreach (var term in SearchTerms.Query(query.Text))
        {
            var upper = term + char.MaxValue;
            var matching = db.Set<CustomerSearchTerm>().Where(t => t.Term.CompareTo(term) >= 0 && t.Term.CompareTo(upper) < 0).OrderBy(t => t.Term).Select(t => t.CustomerId);
            var few = (await matching.Take(Narrow + 1).ToListAsync(ct)).Distinct().ToList();
            if (few.Count <= Narrow && (candidates is null || few.Count < candidates.Count))
            {
                candidates = few;
            }

            // Checked per customer (a correlated EXISTS on the term's primary key), never used to drive the query.
            customers = customers.Where(c => db.Set<CustomerSearchTerm>().Any(t => t.CustomerId == c.Id && t.Term.CompareTo(term) >= 0 && t.Term.CompareTo(upper) < 0));
        }

        // With few candidates the engine must look them up by id: the merged-or-not test is written so that it cannot
        // pick the (MergedIntoId, Id) index instead and walk every customer. Without, that index is the walk.
        var merged = Guid.Empty;
        customers = candidates is not null
            ? customers.Where(c => candidates.Contains(c.Id) && (c.MergedIntoId ?? merged) == merged)
            : customers.Where(c => c.MergedIntoId == null);

        if (query.SegmentId is { } segmentId)
        {
            customers = customers.Where(c => c.Segments.Any(s => s.SegmentId == segmentId));
        }

        if (query.Relationship is { } relationship)
        {
            customers = customers.Where(c => c.Relationship == relationship);
        }

        if (!string.IsNullOrEmpty(query.Language))
        {
            customers = customers.Where(c => c.PreferredLanguage == query.Language);
        }

        if (Guid.TryParse(query.After, out var after))
        {
            customers = customers.Where(c => c.Id.CompareTo(after) < 0);
        }

        var rows = await customers
            .OrderByDescending(c => c.Id)
            .Take(limit + 1)
            .Select(c => new CustomerSummary(
                c.Id,
                c.DisplayName,
                c.ContactPoints.Where(p => p.Kind == ContactKind.Email).OrderBy(p => p.Id).Select(p => p.Value).FirstOrDefault(),
                c.ContactPoints.Where(p => p.Kind == ContactKind.Phone).OrderBy(p => p.Id).Select(p => p.Value).FirstOrDefault(),
                c.PreferredLanguage,
                c.Relationship,
                db.Set<Organisation>().Where(o => o.Id == c.OrganisationId).Select(o => o.Name).FirstOrDefault(),
                c.CreatedAt))
            .ToListAsync(ct);

        var next = rows.Count > limit ? rows[limit - 1].Id.ToString() : null;
        return new CustomerPage(rows.Take(limit).ToList(), next);
    }
}
