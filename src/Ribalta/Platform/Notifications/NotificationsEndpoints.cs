using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Localization;

namespace Ribalta.Platform.Notifications;

/// <summary>The signed-in person's own notifications and preferences; nobody reaches another person's.</summary>
internal static class NotificationsEndpoints
{
    public static IEndpointRouteBuilder MapNotifications(this IEndpointRouteBuilder app)
    {
        var notifications = app.MapGroup("/api/v1/notifications").RequireAuthorization(Policies.Staff).WithTags("Notifications");
        notifications.MapGet("", ListAsync)
            .WithSummary("My notifications, newest first (unread=true: only unread; before: the next page's id from 'next'; limit 1-100, default 20), in my language");
        notifications.MapGet("/unread-count", async (NotificationInbox inbox, Actor actor, CancellationToken ct) =>
            TypedResults.Ok(new UnreadCount(await inbox.UnreadAsync(Me(actor), ct))))
            .WithSummary($"How many of my notifications are unread (counted up to {NotificationInbox.CountCap})");
        notifications.MapPost("/{id:long}/read", ReadAsync).WithSummary("Mark one of my notifications read (404 for anyone else's)");
        notifications.MapPost("/read-all", async (NotificationInbox inbox, Actor actor, CancellationToken ct) =>
            TypedResults.Ok(await inbox.MarkAllReadAsync(Me(actor), ct)))
            .WithSummary("Mark all my notifications read; answers how many were unread");
        notifications.MapGet("/preferences", async (NotificationInbox inbox, Actor actor, CancellationToken ct) =>
            TypedResults.Ok(await inbox.PreferencesAsync(Me(actor), ct)))
            .WithSummary("Which kinds I see in the app, and how often unread ones are emailed to me (Off, Hourly, Daily)");
        notifications.MapPut("/preferences", SavePreferencesAsync)
            .WithSummary("Set my preferences: digest (Off, Hourly, Daily) and the kinds I turned off (muted)");
        return app;
    }

    private static async Task<Results<Ok<NotificationPage>, ValidationProblem, ProblemHttpResult>> ListAsync(
        bool? unread, long? before, int? limit, NotificationInbox inbox, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
        (await inbox.ListAsync(Me(actor), unread ?? false, before, limit, ct)).ToHttp(TypedResults.Ok, localizer);

    private static async Task<Results<Ok<NotificationDto>, ValidationProblem, ProblemHttpResult>> ReadAsync(
        long id, NotificationInbox inbox, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
        (await inbox.MarkReadAsync(Me(actor), id, ct)).ToHttp(TypedResults.Ok, localizer);

    private static async Task<Results<Ok<NotificationPreferencesDto>, ValidationProblem, ProblemHttpResult>> SavePreferencesAsync(
        NotificationPreferencesInput input, NotificationInbox inbox, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct)
    {
        var me = Me(actor);
        var saved = me == Guid.Empty ? Error.NotFound() : await inbox.SavePreferencesAsync(me, input, ct);
        return saved.ToHttp(TypedResults.Ok, localizer);
    }

    /// <summary>The person asking; an integration key is nobody's (it has no notifications).</summary>
    public static Guid Me(Actor actor) => actor.Kind == ActorKind.Staff && actor.IdAsGuid() is { } me ? me : Guid.Empty;
}
