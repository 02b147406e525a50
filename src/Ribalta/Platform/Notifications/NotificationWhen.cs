using Microsoft.Extensions.Localization;
using Ribalta.Platform.Localization;

namespace Ribalta.Platform.Notifications;

/// <summary>When a notification came, as people say it: "just now", "3 min ago", "2 d 4 h ago".</summary>
internal static class NotificationWhen
{
    public static string Ago(IStringLocalizer<Strings> l, DateTimeOffset at, DateTimeOffset now) =>
        now - at < TimeSpan.FromMinutes(1) ? l["Notifications.JustNow"] : l["Notifications.Ago", DueText.Duration(l, now - at)];
}
