using Microsoft.Extensions.Localization;

namespace Ribalta.Platform.Localization;

/// <summary>How long until (or since) a target, as people say it: "in 2 h 10 min", "overdue by 1 d 3 h".</summary>
public static class DueText
{
    public static string Duration(IStringLocalizer<Strings> l, TimeSpan span)
    {
        var t = span.Duration();
        return t.TotalDays >= 1 ? l["Duration.DaysHours", (int)t.TotalDays, t.Hours]
            : t.TotalHours >= 1 ? l["Duration.HoursMinutes", (int)t.TotalHours, t.Minutes]
            : l["Duration.Minutes", Math.Max(1, (int)Math.Ceiling(t.TotalMinutes))];
    }

    public static string Relative(IStringLocalizer<Strings> l, DateTimeOffset due, DateTimeOffset now) =>
        due >= now ? l["Due.In", Duration(l, due - now)] : l["Due.Overdue", Duration(l, now - due)];
}
