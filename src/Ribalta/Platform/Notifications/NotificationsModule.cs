namespace Ribalta.Platform.Notifications;

/// <summary>The notification service: the table, the notifier, the event reader, the digest job, the API.</summary>
public static class NotificationsModule
{
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.AddOptions<NotificationOptions>().BindWithOrganisationTimeZone(NotificationOptions.Section, (o, zone) => o.TimeZone = zone)
            .Validate(o => OrganisationOptions.IsTimeZone(o.TimeZone), "Notifications:TimeZone must be an IANA time zone such as Europe/Rome (or left out: Organisation:TimeZone)")
            .Validate(o => o.IsValid(), "Notifications:DailyDigestHour must be 0-23 and Notifications:DigestCheckSeconds 10-3600")
            .ValidateOnStart();
        services.AddSingleton<NotificationKinds>();
        services.AddSingleton<NotificationPush>();
        services.AddSingleton<NotificationPushInterceptor>();
        services.AddSingleton<INotifier, Notifier>();
        services.AddScoped<NotificationInbox>();
        services.AddSingleton<NotificationSignal>();
        services.AddScoped<Events.IEventSubscriber, NotificationEventSubscriber>();
        services.AddSingleton<NotificationFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<NotificationFeed>());
        services.AddJob<NotificationDigest>();
        return services;
    }

    /// <summary>A kind of notification a module sends; people can turn it off. Its words: <c>Notifications.Kind.&lt;name&gt;</c>.</summary>
    public static IServiceCollection AddNotificationKind(this IServiceCollection services, string name, int order)
    {
        services.AddSingleton(new NotificationKind(name, order));
        return services;
    }

    /// <summary>A reader of events that drafts notifications (one instance; it gets the database with each event).</summary>
    public static IServiceCollection AddNotificationSource<TSource>(this IServiceCollection services)
        where TSource : class, INotificationSource
    {
        services.AddSingleton<INotificationSource, TSource>();
        return services;
    }
}
