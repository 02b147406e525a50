using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace Ribalta.Platform.Identity;

/// <summary>
/// An open workspace (a Blazor circuit) outlives the request that started it; every minute it checks that its staff
/// session is still live, so "sign out everywhere" and deactivation also close workspaces left open elsewhere.
/// </summary>
internal sealed class SessionRevalidation(ILoggerFactory loggers, IServiceScopeFactory scopes) : RevalidatingServerAuthenticationStateProvider(loggers)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken cancellationToken)
    {
        if (SignInSessions.IdOf(state.User) is not { } id
            || SessionCookieEvents.SubjectOf(state.User, System.Security.Claims.ClaimTypes.NameIdentifier) is not { } person)
        {
            return false;
        }

        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SignInSessions>().IsLiveAsync(id, SignInSessions.Staff, person, cancellationToken);
    }
}
