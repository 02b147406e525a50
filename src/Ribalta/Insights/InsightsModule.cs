using Ribalta.Insights.CaseFlow;
using Ribalta.Platform;

namespace Ribalta.Insights;

/// <summary>
/// How the organisation is doing, from what the other modules write to the event log: projections of the log into
/// tables of their own (<see cref="Platform.Projections.IProjection"/>), read through the API. Depends on the other
/// modules' contracts only.
/// </summary>
public static class InsightsModule
{
    public static IServiceCollection AddInsights(this IServiceCollection services)
    {
        services.AddProjection<CaseFlow.CaseFlowProjection>();
        return services;
    }

    public static WebApplication MapInsights(this WebApplication app)
    {
        app.MapCaseFlow();
        return app;
    }
}
