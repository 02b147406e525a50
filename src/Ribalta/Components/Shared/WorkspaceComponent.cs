using System.Globalization;
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

    private CultureInfo? _culture;
    private CultureInfo? _uiCulture;

    public override Task SetParametersAsync(ParameterView parameters)
    {
        // The circuit's language, as the person chose it; work arriving from elsewhere (live events) runs without it.
        _culture ??= CultureInfo.CurrentCulture;
        _uiCulture ??= CultureInfo.CurrentUICulture;
        return base.SetParametersAsync(parameters);
    }

    /// <summary>
    /// Runs work that another thread started (a live event, a presence change, progress) on this component, in the
    /// person's language: such work otherwise carries the culture of whoever raised it, and the page would re-render
    /// in another language.
    /// </summary>
    protected Task InvokeLiveAsync(Func<Task> work) => InvokeAsync(() =>
    {
        (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (_culture ?? CultureInfo.CurrentCulture, _uiCulture ?? CultureInfo.CurrentUICulture);
        return work();
    });

    protected Task InvokeLiveAsync(Action work) => InvokeLiveAsync(() =>
    {
        work();
        return Task.CompletedTask;
    });

    protected async Task<Actor> CurrentActorAsync() =>
        AuthenticationState is null ? Actor.System : Actor.From((await AuthenticationState).User);

    protected async Task<T> RunAsync<TService, T>(Func<TService, Task<T>> operation)
        where TService : notnull
    {
        await using var scope = Scopes.CreateAsyncScope();
        return await operation(scope.ServiceProvider.GetRequiredService<TService>());
    }
}
