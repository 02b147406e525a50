using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Ribalta.Platform.Events;

namespace Ribalta.Components.Shared;

/// <summary>
/// Base for interactive staff pages. A Blazor circuit lives for minutes or hours, so each operation gets its own
/// DI scope (and so its own DbContext) instead of sharing one tracked context for the whole circuit.
/// </summary>
public abstract class WorkspaceComponent : ComponentBase
{
    [Inject]
    private IServiceScopeFactory Scopes { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState>? AuthenticationState { get; set; }

    protected async Task<Actor> CurrentActorAsync() =>
        AuthenticationState is null ? Actor.System : Actor.From((await AuthenticationState).User);

    protected async Task<T> RunAsync<TService, T>(Func<TService, Task<T>> operation)
        where TService : notnull
    {
        await using var scope = Scopes.CreateAsyncScope();
        return await operation(scope.ServiceProvider.GetRequiredService<TService>());
    }
}
