using Microsoft.EntityFrameworkCore;
using Ribalta.Customers.Contracts;
using Ribalta.Customers.Contracts.Events;
using Ribalta.Customers.Domain;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Localization;

namespace Ribalta.Customers.ViewCustomer;

internal sealed class CustomerDirectory(
    RibaltaDbContext db,
    SearchCustomers.CustomerSearch search,
    CustomerReader reader,
    Segments.SegmentCatalogue segments,
    CreateCustomer.CreateCustomerHandler create,
    TimeProvider clock) : ICustomerDirectory
{
    public async Task LearnLanguageAsync(Guid customerId, string language, CancellationToken cancellationToken)
    {
        // Tracked, so a second message of the same unit of work sees the language already set and adds nothing.
        var customer = await db.Set<Customer>().FirstOrDefaultAsync(c => c.Id == customerId && c.PreferredLanguage == null, cancellationToken);
        if (customer is null || customer.PreferredLanguage is not null || !SupportedCultures.IsSupported(language))
        {
            return;
        }

        customer.PreferredLanguage = language;
        customer.Touch(clock.GetUtcNow());
        db.Append(clock, Actor.System, new CustomerLanguageLearned(language), "customer", customer.Id.ToString(), customer.Id);
    }

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

    public async Task<CustomerRef?> FindByContactAsync(ContactKind kind, string value, CancellationToken cancellationToken) =>
        (await FindByContactsAsync([(kind, value)], cancellationToken)).GetValueOrDefault((kind, value));

    public async Task<IReadOnlyDictionary<(ContactKind Kind, string Value), CustomerRef>> FindByContactsAsync(
        IReadOnlyCollection<(ContactKind Kind, string Value)> contacts, CancellationToken cancellationToken)
    {
        // The owners and who they are, one query per kind of contact; the first point wins, as it would alone.
        var owners = new Dictionary<(ContactKind, string), CustomerRef>();
        foreach (var group in contacts.Select(c => (c.Kind, Normalized: ContactPoint.Normalize(c.Kind, c.Value))).Distinct().GroupBy(c => c.Kind))
        {
            var kind = group.Key;
            var values = group.Select(c => c.Normalized).ToList();
            var found = await (
                    from point in db.Set<ContactPoint>().AsNoTracking()
                    where point.Kind == kind && values.Contains(point.NormalizedValue)
                    join customer in db.Set<Customer>().AsNoTracking() on point.CustomerId equals customer.Id
                    orderby point.Id
                    select new { point.NormalizedValue, Customer = new CustomerRef(customer.Id, customer.DisplayName, customer.PreferredLanguage, customer.MergedIntoId) })
                .ToListAsync(cancellationToken);
            foreach (var row in found)
            {
                owners.TryAdd((kind, row.NormalizedValue), row.Customer);
            }
        }

        var result = new Dictionary<(ContactKind, string), CustomerRef>();
        foreach (var (kind, value) in contacts)
        {
            // A merged owner is followed to whoever they were merged into (rare: one lookup each).
            var found = owners.GetValueOrDefault((kind, ContactPoint.Normalize(kind, value)));
            for (var hops = 0; found?.MergedIntoId is { } survivor && hops < 10; hops++)
            {
                found = await FindAsync(survivor, cancellationToken);
            }

            if (found is { MergedIntoId: null })
            {
                result[(kind, value)] = found;
            }
        }

        return result;
    }

    public async Task<Result<CustomerRef>> CreateFromContactAsync(Actor actor, string? name, ContactKind kind, string value, string? language, CancellationToken cancellationToken)
    {
        var displayName = string.IsNullOrWhiteSpace(name) ? kind == ContactKind.Email ? value.Split('@')[0] : value : name.Trim();
        var input = new CustomerInput(
            displayName,
            PreferredLanguage: language,
            Emails: kind == ContactKind.Email ? [value] : null,
            Phones: kind == ContactKind.Phone ? [value] : null,
            Handles: kind == ContactKind.Handle ? [value] : null);
        var created = await create.HandleAsync(actor, input, cancellationToken);
        return created.IsSuccess
            ? new CustomerRef(created.Value.Id, created.Value.DisplayName, created.Value.PreferredLanguage, null)
            : created.Error!;
    }

    public async Task<Result<CustomerRef>> CreatePersonAsync(Actor actor, string name, string? language, CancellationToken cancellationToken)
    {
        var created = await create.HandleAsync(actor, new CustomerInput(name, PreferredLanguage: language), cancellationToken);
        return created.IsSuccess
            ? new CustomerRef(created.Value.Id, created.Value.DisplayName, created.Value.PreferredLanguage, null)
            : created.Error!;
    }

    public async Task<bool> AddContactAsync(Actor actor, Guid customerId, ContactKind kind, string value, CancellationToken cancellationToken)
    {
        var normalized = ContactPoint.Normalize(kind, value);
        if (normalized.Length == 0 || await db.Set<ContactPoint>().AnyAsync(p => p.Kind == kind && p.NormalizedValue == normalized, cancellationToken))
        {
            return false;
        }

        var customer = await db.Set<Customer>().Include(c => c.ContactPoints).Include(c => c.SearchTerms).AsSplitQuery()
            .FirstOrDefaultAsync(c => c.Id == customerId && c.MergedIntoId == null, cancellationToken);
        if (customer is null || customer.ContactPoints.Count >= CustomerInput.MaxContactPoints)
        {
            return false;
        }

        customer.ContactPoints.Add(new ContactPoint { CustomerId = customer.Id, Kind = kind, Value = value.Trim(), NormalizedValue = normalized });
        var organisation = await db.Set<Organisation>().Where(o => o.Id == customer.OrganisationId).Select(o => o.Name).FirstOrDefaultAsync(cancellationToken);
        CustomerInputRules.SyncSearchTerms(customer, organisation);
        customer.Touch(clock.GetUtcNow());
        db.Append(clock, actor, new CustomerEdited(null, Added: kind), "customer", customer.Id.ToString(), customer.Id);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException ex) when (DbErrors.IsConflict(ex))
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }
}

