using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Localization;

namespace Ribalta.Platform.Notifications;

/// <summary>
/// One person's notifications and choices: the list newest first, the unread count, marking read, preferences. Every
/// read and write names the person; another person's notification is "not found", like one that does not exist.
/// </summary>
internal sealed class NotificationInbox(RibaltaDbContext db, NotificationKinds kinds, NotificationPush push, IStringLocalizer<Strings> localizer, TimeProvider clock)
{
    public const int DefaultPage = 20;
    public const int MaxPage = 100;

    /// <summary>The bell counts up to this many unread (shown as "99+" beyond).</summary>
    public const int CountCap = 100;

    public async Task<Result<NotificationPage>> ListAsync(Guid me, bool unreadOnly, long? before, int? limit, CancellationToken ct)
    {
        var read = await ReadAsync(me, unreadOnly, before, limit, ct);
        return read.IsSuccess ? new NotificationPage(read.Value.Rows.Select(ToDto).ToList(), read.Value.Next) : read.Error!;
    }

    /// <summary>The same page for the bell and the notifications page, with the arguments in the words isolated.</summary>
    public async Task<(IReadOnlyList<NotificationItem> Items, long? Next)> ItemsAsync(Guid me, bool unreadOnly, long? before, int limit, CancellationToken ct)
    {
        var read = await ReadAsync(me, unreadOnly, before, limit, ct);
        return read.IsSuccess
            ? (read.Value.Rows.Select(n => new NotificationItem(ToDto(n), NotificationText.Isolated(localizer, n.TextKey, n.Arguments))).ToList(), read.Value.Next)
            : ([], null);
    }

    private async Task<Result<(List<Notification> Rows, long? Next)>> ReadAsync(Guid me, bool unreadOnly, long? before, int? limit, CancellationToken ct)
    {
        var take = limit ?? DefaultPage;
        if (take is < 1 or > MaxPage)
        {
            return Error.Validation("limit", "Validation.Range", 1, MaxPage);
        }

        if (before is <= 0)
        {
            return Error.Validation("before", "Validation.Range", 1, long.MaxValue);
        }

        var query = db.Set<Notification>().AsNoTracking().Where(n => n.RecipientId == me);
        if (unreadOnly)
        {
            query = query.Where(n => n.ReadAt == null);
        }

        if (before is { } b)
        {
            query = query.Where(n => n.Id < b);
        }

        var rows = await query.OrderByDescending(n => n.Id).Take(take + 1).ToListAsync(ct);
        var page = rows.Take(take).ToList();
        return (page, rows.Count > take ? page[^1].Id : null);
    }

    public Task<int> UnreadAsync(Guid me, CancellationToken ct) =>
        db.Set<Notification>().AsNoTracking().Where(n => n.RecipientId == me && n.ReadAt == null).OrderBy(n => n.Id).Take(CountCap).CountAsync(ct);

    public async Task<Result<NotificationDto>> MarkReadAsync(Guid me, long id, CancellationToken ct)
    {
        var notification = await db.Set<Notification>().FirstOrDefaultAsync(n => n.Id == id && n.RecipientId == me, ct);
        if (notification is null)
        {
            return Error.NotFound();
        }

        if (notification.ReadAt is null)
        {
            notification.ReadAt = clock.GetUtcNow();
            await db.SaveChangesAsync(ct);
            push.Changed([me]);
        }

        return ToDto(notification);
    }

    public async Task<MarkedRead> MarkAllReadAsync(Guid me, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var marked = await db.Set<Notification>().Where(n => n.RecipientId == me && n.ReadAt == null).ExecuteUpdateAsync(u => u.SetProperty(n => n.ReadAt, now), ct);
        if (marked > 0)
        {
            push.Changed([me]);
        }

        return new MarkedRead(marked);
    }

    public async Task<NotificationPreferencesDto> PreferencesAsync(Guid me, CancellationToken ct)
    {
        var saved = await db.Set<NotificationPreference>().AsNoTracking().FirstOrDefaultAsync(p => p.StaffId == me, ct);
        var muted = saved?.MutedKinds ?? new HashSet<string>();
        return new NotificationPreferencesDto(
            saved?.Digest ?? DigestFrequency.Off,
            kinds.All.Select(k => new NotificationKindSetting(k.Name, localizer[k.LabelKey], !muted.Contains(k.Name))).ToList());
    }

    public async Task<Result<NotificationPreferencesDto>> SavePreferencesAsync(Guid me, NotificationPreferencesInput input, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        if (input.Digest is not { } digest || !Enum.IsDefined(digest))
        {
            errors.Add(new FieldError("digest", "Validation.Required"));
        }

        var muted = input.Muted ?? [];
        if (muted.FirstOrDefault(k => !kinds.IsKnown(k)) is { } unknown)
        {
            errors.Add(new FieldError("muted", "Notifications.UnknownKind", unknown));
        }

        if (errors.Count > 0)
        {
            return Error.Validation(errors);
        }

        if (!await db.Users.AnyAsync(u => u.Id == me, ct))
        {
            return Error.NotFound();
        }

        var saved = await db.Set<NotificationPreference>().FirstOrDefaultAsync(p => p.StaffId == me, ct);
        if (saved is null)
        {
            saved = new NotificationPreference { StaffId = me };
            db.Add(saved);
        }

        saved.Digest = input.Digest!.Value;
        saved.Muted = string.Join(' ', muted.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        await db.SaveChangesAsync(ct);
        return await PreferencesAsync(me, ct);
    }

    private NotificationDto ToDto(Notification n) =>
        new(n.Id, n.Kind, NotificationText.Render(localizer, n.TextKey, n.Arguments), n.Link, n.SubjectType, n.SubjectId, n.CaseId, n.CreatedAt, n.ReadAt);
}

/// <summary>A notification on a page, its words with each argument isolated (<see cref="NotificationText.Isolated"/>).</summary>
public sealed record NotificationItem(NotificationDto Notification, string Words);

/// <summary>A notification's words in the current language, from its key and arguments.</summary>
internal static class NotificationText
{
    public static string Render(IStringLocalizer<Strings> localizer, string key, string arguments) =>
        Format(localizer, key, Arguments(arguments));

    /// <summary>
    /// The words for a page: each argument isolated, which <see cref="Sentence"/> shows in its own <c>bdi</c>. A Latin
    /// subject inside an Arabic sentence (or the reverse) then keeps its own direction and does not pull the punctuation
    /// and numbers next to it out of place.
    /// </summary>
    public static string Isolated(IStringLocalizer<Strings> localizer, string key, string arguments) =>
        Format(localizer, key, Arguments(arguments).Select(Shown.Isolated));

    private static string Format(IStringLocalizer<Strings> localizer, string key, IEnumerable<string> values) =>
        localizer[key, values.Cast<object>().ToArray()].Value;

    private static string[] Arguments(string arguments) => JsonSerializer.Deserialize<string[]>(arguments) ?? [];
}
