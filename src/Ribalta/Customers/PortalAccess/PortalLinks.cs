using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Ribalta.Customers.Contracts;
using Ribalta.Customers.Contracts.Events;
using Ribalta.Customers.Domain;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Security;

namespace Ribalta.Customers.PortalAccess;

public sealed record IssuedPortalLink(string Token, DateTimeOffset ExpiresAt);

/// <summary>
/// Single-use sign-in links for customers: 256-bit secret, stored hashed, valid for a short while. A customer asks
/// for one by email on the sign-in page; staff send one by email, or hand it over by whatever means the customer prefers.
/// </summary>
internal sealed class PortalLinks(
    RibaltaDbContext db,
    Platform.Mail.IOutboundMail mail,
    Platform.Mail.PublicSite site,
    Microsoft.Extensions.Localization.IStringLocalizer<Platform.Localization.Strings> localizer,
    TimeProvider clock)
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
        db.Append(clock, actor, new CustomerPortalLinkIssued(link.ExpiresAt), "customer", customerId.ToString(), customerId);
        await db.SaveChangesAsync(ct);
        return new IssuedPortalLink(token, link.ExpiresAt);
    }

    /// <summary>
    /// Issues a link and mails it, in one transaction (no mail without its link, no link without its mail): to
    /// <paramref name="address"/> when it is one of the customer's, else to their first email. Returns where it went.
    /// </summary>
    public async Task<Result<string>> EmailAsync(Actor actor, Guid customerId, string? address, string? language, CancellationToken ct)
    {
        var customer = await db.Set<Customer>().AsNoTracking().Include(c => c.ContactPoints).FirstOrDefaultAsync(c => c.Id == customerId, ct);
        if (customer is null)
        {
            return Error.NotFound();
        }

        var emails = customer.ContactPoints.Where(p => p.Kind == ContactKind.Email).OrderBy(p => p.Id).ToList();
        var normalized = address is null ? null : ContactPoint.Normalize(ContactKind.Email, address);
        var to = emails.FirstOrDefault(p => p.NormalizedValue == normalized) ?? emails.FirstOrDefault();
        if (to is null)
        {
            return Error.Validation("email", "Validation.CustomerNoEmail");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var issued = await IssueAsync(actor, customerId, ct);
        if (!issued.IsSuccess)
        {
            return issued.Error!;
        }

        var written = customer.PreferredLanguage ?? language;
        var (subject, text) = Platform.Mail.PublicSite.InLanguage(written, () => (
            localizer["PortalMail.SignInSubject"].Value,
            localizer["PortalMail.SignInBody", customer.DisplayName, site.Link(SignInPath(issued.Value.Token)), (int)Lifetime.TotalMinutes].Value));
        if (!await mail.StageAsync(new Platform.Mail.CustomerMail(Platform.Mail.CustomerMailKind.SignInLink, to.Value, customer.DisplayName, subject, text, written), ct))
        {
            return Error.Conflict("Error.NoMailbox");
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        mail.Committed();
        return to.Value;
    }

    /// <summary>
    /// Someone on the sign-in page asks for a link for this address. It goes only to that address, and only when it is a
    /// customer's; the page says the same either way, so nobody learns who is a customer.
    /// </summary>
    public async Task RequestAsync(string address, string? language, CancellationToken ct)
    {
        var normalized = ContactPoint.Normalize(ContactKind.Email, address);
        var owner = await db.Set<ContactPoint>().AsNoTracking()
            .Where(p => p.Kind == ContactKind.Email && p.NormalizedValue == normalized)
            .Join(db.Set<Customer>(), p => p.CustomerId, c => c.Id, (p, c) => new { c.Id, c.MergedIntoId })
            .FirstOrDefaultAsync(ct);
        if (owner is null || owner.MergedIntoId is not null)
        {
            return;
        }

        await EmailAsync(new Actor(ActorKind.System, "portal", "Portal"), owner.Id, address, language, ct);
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

        db.Append(clock, new Actor(ActorKind.Customer, customer.Id.ToString(), customer.DisplayName), new CustomerPortalSignedIn(), "customer", customer.Id.ToString(), customer.Id);
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
