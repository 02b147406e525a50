namespace Ribalta.Components;

/// <summary>The Blazor Web App: staff workspace (interactive server) and customer pages (static server rendering).</summary>
public static class WorkspaceModule
{
    public static IServiceCollection AddWorkspace(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCascadingAuthenticationState();
        services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, Platform.Identity.SessionRevalidation>();
        return services;
    }

    public static WebApplication MapWorkspace(this WebApplication app)
    {
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
