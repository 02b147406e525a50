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
        // Blazor would send its own policy (only frame-ancestors 'self'); SecurityHeaders sends the whole one, that included.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null);
        return app;
    }
}
