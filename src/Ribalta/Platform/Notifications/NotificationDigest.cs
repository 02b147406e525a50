using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Ribalta.Platform.Data;
using Ribalta.Platform.Jobs;
using Ribalta.Platform.Localization;
using Ribalta.Platform.Mail;

namespace Ribalta.Platform.Notifications;

public sealed class NotificationOptions
{
    public const string Section = "Notifications";

    /// <summary>
    /// The time zone (IANA) in which a day's digest goes out at <see cref="DailyDigestHour"/>. Left out, the
    /// organisation's (<c>Organisation:TimeZone</c>); set, it overrides that for digests.
    /// </summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>The hour (0-23) from which each person's daily digest is sent.</summary>
    public int DailyDigestHour { get; init; } = 8;

    /// <summary>How often (seconds) the digest job looks for digests that are due.</summary>
    public int DigestCheckSeconds { get; init; } = 300;

    internal bool IsValid() => DailyDigestHour is >= 0 and <= 23 && DigestCheckSeconds is >= 10 and <= 3600;
}

/// <summary>
/// Emails each person who chose a digest their unread notifications that no digest has carried yet: one mail per
/// person per period (a clock hour; a day from <see cref="NotificationOptions.DailyDigestHour"/> in the organisation's
/// time zone), in the person's language, through the outbox. Nothing unread, no mail.
/// </summary>
internal sealed partial class NotificationDigest(IServiceScopeFactory scopes, IOptions<NotificationOptions> options, TimeProvider clock, ILogger<NotificationDigest> logger) : IJob
{
    /// <summary>Notifications written out in one mail; the rest are counted ("and 12 more").</summary>
    public const int Listed = 20;

    public string Name => "notifications.digest";

    public TimeSpan Interval => TimeSpan.FromSeconds(options.Value.DigestCheckSeconds);

    public async Task RunAsync(CancellationToken ct)
    {
        // One row per person who chose a digest: a staff-sized list, read whole.
        List<(Guid StaffId, DigestFrequency Digest, DateTimeOffset? LastDigestAt)> people;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RibaltaDbContext>();
            people = (await db.Set<NotificationPreference>().AsNoTracking().Where(p => p.Digest != DigestFrequency.Off)
                    .Select(p => new { p.StaffId, p.Digest, p.LastDigestAt }).ToListAsync(ct))
                .Select(p => (p.StaffId, p.Digest, p.LastDigestAt)).ToList();
        }

        var now = clock.GetUtcNow();
        foreach (var person in people.Where(p => p.LastDigestAt is not { } last || last < PeriodStart(p.Digest, now)))
        {
            if (!await SendAsync(person.StaffId, person.Digest, now, ct))
            {
                LogNoMailbox(logger);
                return;
            }
        }
    }

    /// <summary>When the current period began: the clock hour, or today's (else yesterday's) digest hour.</summary>
    public DateTimeOffset PeriodStart(DigestFrequency digest, DateTimeOffset now)
    {
        if (digest == DigestFrequency.Hourly)
        {
            return new DateTimeOffset(now.UtcDateTime.Date.AddHours(now.UtcDateTime.Hour), TimeSpan.Zero);
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var start = local.Date.AddHours(options.Value.DailyDigestHour);
        if (local.DateTime < start)
        {
            start = start.AddDays(-1);
        }

        return new DateTimeOffset(start, zone.GetUtcOffset(start)).ToUniversalTime();
    }

    /// <summary>One person's digest, in one transaction with marking what it carried; false when no mailbox can send.</summary>
    private async Task<bool> SendAsync(Guid staffId, DigestFrequency digest, DateTimeOffset now, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<RibaltaDbContext>();
        var person = await db.Users.AsNoTracking().Where(u => u.Id == staffId && u.IsActive)
            .Select(u => new { u.Email, u.DisplayName, u.PreferredLanguage }).FirstOrDefaultAsync(ct);
        var waiting = db.Set<Notification>().AsNoTracking().Where(n => n.RecipientId == staffId && n.ReadAt == null && n.DigestedAt == null);
        var listed = await waiting.OrderByDescending(n => n.Id).Take(Listed).ToListAsync(ct);
        if (person?.Email is not { Length: > 0 } email || listed.Count == 0)
        {
            return true;
        }

        var total = await waiting.Where(n => n.Id <= listed[0].Id).CountAsync(ct);
        var localizer = services.GetRequiredService<IStringLocalizer<Strings>>();
        var site = services.GetRequiredService<PublicSite>();
        var language = SupportedCultures.IsSupported(person.PreferredLanguage) ? person.PreferredLanguage! : "en";
        var (subject, text) = PublicSite.InLanguage(language, () => Compose(localizer, site, person.DisplayName, digest, listed, total));

        var mail = services.GetRequiredService<IOutboundMail>();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (!await mail.StageAsync(new CustomerMail(CustomerMailKind.NotificationDigest, email, person.DisplayName, subject, text, language), ct))
        {
            return false;
        }

        var newest = listed[0].Id;
        await db.Set<Notification>().Where(n => n.RecipientId == staffId && n.ReadAt == null && n.DigestedAt == null && n.Id <= newest)
            .ExecuteUpdateAsync(u => u.SetProperty(n => n.DigestedAt, now), ct);
        await db.Set<NotificationPreference>().Where(p => p.StaffId == staffId)
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.LastDigestAt, now), ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        mail.Committed();
        return true;
    }

    private static (string Subject, string Text) Compose(
        IStringLocalizer<Strings> l, PublicSite site, string name, DigestFrequency digest, IReadOnlyList<Notification> listed, int total)
    {
        var text = new System.Text.StringBuilder()
            .Append(l["Notifications.Digest.Greeting", name].Value).Append("\n\n")
            .Append(l["Notifications.Digest.Intro", total].Value).Append("\n\n");
        foreach (var n in listed)
        {
            text.Append("• ").Append(NotificationText.Render(l, n.TextKey, n.Arguments)).Append('\n')
                .Append("  ").Append(site.Link(n.Link)).Append('\n');
        }

        if (total > listed.Count)
        {
            text.Append('\n').Append(l["Notifications.Digest.More", total - listed.Count].Value).Append('\n');
        }

        text.Append('\n').Append(l["Notifications.Digest.SeeAll", site.Link("/notifications")].Value).Append("\n\n")
            .Append(l[digest == DigestFrequency.Hourly ? "Notifications.Digest.WhyHourly" : "Notifications.Digest.WhyDaily", site.Link("/account/notifications")].Value);
        return (l["Notifications.Digest.Subject", total].Value, text.ToString());
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification digests wait: no mailbox can send mail")]
    private static partial void LogNoMailbox(ILogger logger);
}
