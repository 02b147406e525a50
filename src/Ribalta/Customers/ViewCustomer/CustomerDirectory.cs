using Microsoft.EntityFrameworkCore;
using Ribalta.Customers.Contracts;
using Ribalta.Customers.Domain;
using Ribalta.Platform.Data;

namespace Ribalta.Customers.ViewCustomer;

internal sealed class CustomerDirectory(RibaltaDbContext db, SearchCustomers.CustomerSearch search, CustomerReader reader, Segments.SegmentCatalogue segments) : ICustomerDirectory
{
    public Task<CustomerRef?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        db.Set<Customer>().AsNoTracking().Where(c => c.Id == id)
            .Select(c => new CustomerRef(c.Id, c.DisplayName, c.PreferredLanguage, c.MergedIntoId))
            .FirstOrDefaultAsync(cancellationToken);

    public async Task<IReadOnlyDictionary<Guid, string>> NamesAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return new Dictionary<Guid, string>();
        }

        var distinct = ids.Distinct().ToList();
        return await db.Set<Customer>().AsNoTracking().Where(c => distinct.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.DisplayName, cancellationToken);
    }

    public async Task<IReadOnlyList<CustomerSummary>> FindByTextAsync(string text, int limit, CancellationToken cancellationToken) =>
        (await search.SearchAsync(new SearchCustomers.CustomerQuery(text, Limit: limit), cancellationToken)).Items;

    public async Task<IReadOnlyList<Guid>> SegmentIdsAsync(Guid customerId, CancellationToken cancellationToken) =>
        await db.Set<CustomerSegment>().AsNoTracking().Where(s => s.CustomerId == customerId).Select(s => s.SegmentId).ToListAsync(cancellationToken);

    public Task<IReadOnlyList<SegmentDto>> SegmentsAsync(CancellationToken cancellationToken) => segments.ListAsync(cancellationToken);

    public Task<CustomerDetails?> DetailsAsync(Guid id, CancellationToken cancellationToken) => reader.FindAsync(id, cancellationToken);
}
