using Microsoft.EntityFrameworkCore;
using Ribalta.Customers.Contracts;
using Ribalta.Customers.Contracts.Events;
using Ribalta.Customers.Domain;
using Ribalta.Customers.ViewCustomer;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;

namespace Ribalta.Customers.CreateCustomer;

internal sealed class CreateCustomerHandler(RibaltaDbContext db, CustomerInputRules rules, CustomerReader reader, TimeProvider clock)
{
    public async Task<Result<CustomerDetails>> HandleAsync(Actor actor, CustomerInput input, CancellationToken ct)
    {
        if (await rules.ValidateAsync(input, null, ct) is { } invalid)
        {
            return invalid;
        }

        var now = clock.GetUtcNow();
        var customer = new Customer { DisplayName = input.DisplayName!.Trim(), CreatedAt = now, UpdatedAt = now };
        await rules.ApplyAsync(customer, input, ct);
        db.Add(customer);
        db.Append(
            clock,
            actor,
            new CustomerCreated(customer.DisplayName, customer.PreferredLanguage, customer.Relationship, customer.ContactPoints.Count),
            "customer",
            customer.Id.ToString(),
            customer.Id);

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            return Error.Conflict("Error.ContactTakenRace");
        }

        return (await reader.FindAsync(customer.Id, ct))!;
    }
}
