using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Ribalta.Customers.Contracts;
using Ribalta.Customers.Domain;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Security;

namespace Ribalta.Customers.PortalAccess;

public sealed record IssuedPortalLink(string Token, DateTimeOffset ExpiresAt);

/// <summary>
/// Single-use sign-in links for customers: 256-bit secret, stored hashed, valid for a short while.
/// Until email delivery exists staff hand the link over by whatever means the customer prefers.
/// </summary>
internal sealed class PortalLinks(RibaltaDbContext db, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);

    /// <summary>Where a link leads, relative to the site's base address.</summary>
    public static string SignInPath(string token) => $"portal/sign-in/{token}";

    public async Task<Result<IssuedPortalLink>> IssueAsync(Actor actor, Guid customerId, CancellationToken ct)
    {
        var customer = await db.Set<Customer>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == customerId, ct);
        if (customer is null)
        {
            return Error.NotFound();
        }

        if (customer.MergedIntoId is not null)
        {
            return Error.Conflict("Error.CustomerMerged");
        }

        var token = SecretToken.Create();
        var now = clock.GetUtcNow();
        var link = new CustomerSignInLink { CustomerId = customerId, TokenHash = SecretToken.Hash(token), CreatedAt = now, ExpiresAt = now + Lifetime };
        db.Add(link);
        db.Append(clock, actor, CustomerEvents.PortalLinkIssued, "customer", customerId.ToString(), new { link.ExpiresAt }, customerId);
        await db.SaveChangesAsync(ct);
        return new IssuedPortalLink(token, link.ExpiresAt);
    }

    /// <summary>Spends a link and returns the customer's identity; null when the link is unknown, used or expired.</summary>
    public async Task<ClaimsPrincipal?> RedeemAsync(string? token, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 100)
        {
            return null;
        }

        var hash = SecretToken.Hash(token);
        var now = clock.GetUtcNow();

        // The conditional update is the single-use guarantee: of two racing redemptions only one changes a row.
        var spent = await db.Set<CustomerSignInLink>()
            .Where(l => l.TokenHash == hash && l.UsedAt == null && l.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.UsedAt, now), ct);
        if (spent != 1)
        {
            return null;
        }

        var customer = await db.Set<CustomerSignInLink>().AsNoTracking()
            .Where(l => l.TokenHash == hash)
            .Join(db.Set<Customer>(), l => l.CustomerId, c => c.Id, (l, c) => new { c.Id, c.DisplayName, c.PreferredLanguage, c.MergedIntoId })
            .FirstAsync(ct);
        if (customer.MergedIntoId is not null)
        {
            return null;
        }

        db.Append(clock, new Actor(ActorKind.Customer, customer.Id.ToString(), customer.DisplayName), CustomerEvents.PortalSignedIn, "customer", customer.Id.ToString(), new { }, customer.Id);
        await db.SaveChangesAsync(ct);

        var identity = new ClaimsIdentity(
            [
                new Claim(Actor.CustomerIdClaim, customer.Id.ToString()),
                new Claim(Actor.DisplayNameClaim, customer.DisplayName),
                new Claim(ClaimTypes.Name, customer.DisplayName),
                new Claim("ribalta:language", customer.PreferredLanguage ?? ""),
            ],
            Policies.CustomerScheme);
        return new ClaimsPrincipal(identity);
    }
}
