using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Ribalta.Platform.Events;

namespace Ribalta.Platform.Identity;

/// <summary>Puts the display name on the cookie so pages and events can name the actor without a query.</summary>
internal sealed class StaffClaimsPrincipalFactory(
    UserManager<StaffUser> users,
    RoleManager<IdentityRole<Guid>> roles,
    IOptions<IdentityOptions> options) : UserClaimsPrincipalFactory<StaffUser, IdentityRole<Guid>>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(StaffUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(Actor.DisplayNameClaim, user.DisplayName));
        return identity;
    }
}
