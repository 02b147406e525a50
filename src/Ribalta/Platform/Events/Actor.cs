using System.Security.Claims;

namespace Ribalta.Platform.Events;

/// <summary>Who did something: recorded on every event.</summary>
public sealed record Actor(ActorKind Kind, string? Id, string Name)
{
    public const string CustomerIdClaim = "ribalta:customer";
    public const string DisplayNameClaim = "ribalta:name";

    /// <summary>Present on an integration's principal (the key's prefix); its name identifier is the key's id.</summary>
    public const string ApiKeyClaim = "ribalta:api-key";

    public static readonly Actor System = new(ActorKind.System, null, "Ribalta");

    public static Actor From(ClaimsPrincipal user)
    {
        var customerId = user.FindFirstValue(CustomerIdClaim);
        if (customerId is not null)
        {
            return new Actor(ActorKind.Customer, customerId, user.FindFirstValue(DisplayNameClaim) ?? customerId);
        }

        var id = user.FindFirstValue(ClaimTypes.NameIdentifier);
        if (id is null)
        {
            return System;
        }

        var kind = user.HasClaim(c => c.Type == ApiKeyClaim) ? ActorKind.Integration : ActorKind.Staff;
        return new Actor(kind, id, user.FindFirstValue(DisplayNameClaim) ?? user.Identity?.Name ?? id);
    }

    /// <summary>
    /// Lets a minimal API endpoint take the person asking as a parameter, <c>(…, Actor actor, …)</c>: the signed-in
    /// user as <see cref="From"/> reads them (never null; <see cref="System"/> when nobody is signed in).
    /// </summary>
    public static ValueTask<Actor?> BindAsync(HttpContext context) => ValueTask.FromResult<Actor?>(From(context.User));

    /// <summary>The id as a <see cref="Guid"/> (every person and key has one), or null (the system, a mailbox).</summary>
    public Guid? IdAsGuid() => Guid.TryParse(Id, out var id) ? id : null;
}
