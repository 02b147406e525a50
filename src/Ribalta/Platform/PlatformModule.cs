using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Ribalta.Platform.Audit;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Health;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Integrations;
using Ribalta.Platform.Jobs;
using Ribalta.Platform.Localization;
using Ribalta.Platform.Notifications;
using Ribalta.Platform.Projections;
using Ribalta.Platform.Web;

namespace Ribalta.Platform;

/// <summary>Data, events, identity, localization, errors and the web plumbing every module stands on.</summary>
public static class PlatformModule
{
    public static WebApplicationBuilder AddPlatform(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddOrganisation();
        services.AddRibaltaData(builder.Configuration);

        services.AddSingleton<CommittedEventDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<CommittedEventDispatcher>());
        services.AddSingleton<LiveEvents>();
        services.AddSingleton<EventFeed>();
        services.AddSingleton<Mail.PublicSite>();
        services.AddSingleton<Text.LanguageDetector>();
        services.AddScoped<IEventSubscriber, LiveEventsSubscriber>();
        services.AddOptions<Integrations.WebhookOptions>().Bind(builder.Configuration.GetSection(Integrations.WebhookOptions.Section));
        services.AddOptions<Net.OutboundOptions>().Bind(builder.Configuration.GetSection(Net.OutboundOptions.Section))
            .Validate(o => o.HostsAreValid(), "Outbound:AllowedHosts must list host names or IP addresses, without scheme, port or path").ValidateOnStart();
        services.AddSingleton<Net.IHostResolver, Net.DnsHostResolver>();
        services.AddSingleton<Net.OutboundAddressGuard>();
        services.AddSingleton<Integrations.WebhookSignal>();
        services.AddScoped<Integrations.WebhookService>();
        services.AddScoped<IEventSubscriber, Integrations.WebhookEventSubscriber>();
        services.AddHostedService<Integrations.WebhookDispatcher>();

        services.AddHttpContextAccessor();
        services.AddRibaltaIdentity();
        services.AddScoped<StaffSignIn>();
        services.AddScoped<AuditQueries>();
        services.AddSingleton<Storage.IBlobStore, Storage.FileSystemBlobStore>();

        services.AddLocalization();
        services.Configure<RequestLocalizationOptions>(o => SupportedCultures.Configure(o));

        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));

        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "ribalta.af";
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        services.AddOpenApi();

        services.AddOptions<DemoOptions>().Bind(builder.Configuration.GetSection(DemoOptions.Section));
        services.AddHostedService<StartupTasks>();
        services.AddSingleton<Jobs.JobSignal>();
        services.AddSingleton<Jobs.JobRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<Jobs.JobRunner>()); // runs jobs once StartupTasks has migrated
        services.AddScoped<Jobs.JobBoard>();
        services.AddJob<SignInSessionRetention>();
        services.AddOptions<Projections.ProjectionOptions>().BindConfiguration(Projections.ProjectionOptions.Section)
            .Validate(o => o.BatchSize >= 1 && o.Pause >= TimeSpan.Zero && o.Poll > TimeSpan.Zero, "Projections:BatchSize must be at least 1, Projections:Poll positive")
            .ValidateOnStart();
        services.AddSingleton<Projections.ProjectionSignal>();
        services.AddScoped<Events.IEventSubscriber, Projections.ProjectionEventSubscriber>();
        services.AddSingleton<Projections.ProjectionBoard>();
        services.AddHostedService<Projections.ProjectionRunner>();
        services.AddNotifications();
        return builder;
    }

    /// <summary>Registers a projection of the event log (one instance; the <see cref="Projections.ProjectionRunner"/> keeps it current).</summary>
    public static IServiceCollection AddProjection<TProjection>(this IServiceCollection services)
        where TProjection : class, Projections.IProjection
    {
        services.AddSingleton<TProjection>();
        services.AddSingleton<Projections.IProjection>(sp => sp.GetRequiredService<TProjection>());
        return services;
    }

    /// <summary>Registers a scheduled job (one instance; the <see cref="Jobs.JobRunner"/> runs it).</summary>
    public static IServiceCollection AddJob<TJob>(this IServiceCollection services)
        where TJob : class, Jobs.IJob
    {
        services.AddSingleton<TJob>();
        services.AddSingleton<Jobs.IJob>(sp => sp.GetRequiredService<TJob>());
        return services;
    }

    public static WebApplication UsePlatform(this WebApplication app)
    {
        app.UseRetryAfterOnUnavailable();
        app.UseMiddleware<SecurityHeaders>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        app.UseRequestLocalization();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }

    public static WebApplication MapPlatform(this WebApplication app)
    {
        app.MapHealthChecks("/health").AllowAnonymous();
        app.MapOpenApi().AllowAnonymous();
        app.MapSessions();
        app.MapStaff();
        app.MapAudit();
        app.MapCulture();
        app.MapApiKeys();
        app.MapWebhooks();
        app.MapJobs();
        app.MapProjections();
        app.MapNotifications();
        return app;
    }
}
