using Microsoft.EntityFrameworkCore;
using Ribalta.Customers.Contracts;
using Ribalta.Customers.Contracts.Events;
using Ribalta.Customers.Domain;
using Ribalta.Customers.ViewCustomer;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;

namespace Ribalta.Customers.EditCustomer;

internal sealed class EditCustomerHandler(RibaltaDbContext db, CustomerInputRules rules, CustomerReader reader, TimeProvider clock)
{
    /// <param name="expectedVersion">The version the editor read; a newer one means someone else saved in between.</param>
    public async Task<Result<CustomerDetails>> HandleAsync(Actor actor, Guid id, int expectedVersion, CustomerInput input, CancellationToken ct)
    {
        var customer = await db.Set<Customer>()
            .Include(c => c.ContactPoints).Include(c => c.Segments).Include(c => c.SearchTerms)
            .AsSplitQuery()
            .FirstOrDefaultAsync(c => c.Id == id, ct);
        if (customer is null)
        {
            return Error.NotFound();
        }

        if (customer.MergedIntoId is not null)
        {
            return Error.Conflict("Error.CustomerMerged");
        }

        if (customer.Version != expectedVersion)
        {
            return Error.StaleVersion();
        }

        if (await rules.ValidateAsync(input, id, ct) is { } invalid)
        {
            return invalid;
        }

        var before = Snapshot(customer);
        await rules.ApplyAsync(customer, input, ct);
        var after = Snapshot(customer);
        var changed = before.Where(kv => after[kv.Key] != kv.Value).Select(kv => kv.Key).ToList();
        if (changed.Count == 0)
        {
            return (await reader.FindAsync(id, ct))!;
        }

        customer.Touch(clock.GetUtcNow());
        db.Append(clock, actor, new CustomerEdited(changed), "customer", customer.Id.ToString(), customer.Id);

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Error.StaleVersion();
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            return Error.Conflict("Error.ContactTakenRace");
        }

        return (await reader.FindAsync(id, ct))!;
    }

    /// <summary>A comparable view of each editable field, so the event names exactly what changed.</summary>
    private static Dictionary<string, string> Snapshot(Customer c) => new()
    {
        ["displayName"] = c.DisplayName,
        ["preferredLanguage"] = c.PreferredLanguage ?? "",
        ["relationship"] = c.Relationship.ToString(),
        ["organisation"] = c.OrganisationId?.ToString() ?? "",
        ["contactPoints"] = string.Join('|', c.ContactPoints.Select(p => $"{p.Kind}:{p.NormalizedValue}").Order(StringComparer.Ordinal)),
        ["segments"] = string.Join('|', c.Segments.Select(s => s.SegmentId.ToString()).Order(StringComparer.Ordinal)),
        ["notes"] = c.Notes ?? "",
        ["consent"] = c.Consent.ToString(),
    };
}
