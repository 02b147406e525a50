using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Ribalta.Empowerment.Data;
using Ribalta.Empowerment.Resolve;
using Ribalta.Platform.Data;
using Ribalta.Platform.Events;
using Ribalta.Platform.Jobs;
using Ribalta.Platform.Notifications;

namespace Ribalta.Empowerment.Promises;

/// <summary>
/// Tells a promise's owner, once, that it falls due soon: when it is within <see cref="EmpowermentOptions.PromiseDueSoonHours"/>
/// of its due time (the window in which the inbox shows it as due soon), but not before half the time between making it
/// and its due time has passed, so a promise made for this afternoon is not announced to the person who just made it.
/// </summary>
internal sealed class PromiseReminder(IServiceScopeFactory scopes, INotifier notifier, IOptions<EmpowermentOptions> options, TimeProvider clock) : IJob
{
    public const string Kind = "promise.due_soon";

    /// <summary>Promises looked at in one run, the soonest due first (a run every half-minute keeps well ahead).</summary>
    public const int Batch = 500;

    public string Name => "promises.remind_due_soon";

    public TimeSpan Interval => TimeSpan.FromSeconds(options.Value.PromiseCheckSeconds);

    public static string Source(long promiseId) => $"promise:{promiseId.ToString(CultureInfo.InvariantCulture)}";

    public async Task RunAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RibaltaDbContext>();
        var now = clock.GetUtcNow();
        var horizon = now.AddHours(options.Value.PromiseDueSoonHours);
        var soon = (await db.Set<CustomerPromise>().AsNoTracking()
                .Where(p => p.Status == PromiseStatus.Open && p.DueAt > now && p.DueAt <= horizon)
                .OrderBy(p => p.DueAt).ThenBy(p => p.Id).Take(Batch)
                .Select(p => new { p.Id, p.CaseId, p.CaseSubject, p.Words, p.OwnerId, p.MadeAt, p.DueAt }).ToListAsync(ct))
            .Where(p => now - p.MadeAt >= (p.DueAt - p.MadeAt) / 2)
            .ToList();
        if (soon.Count == 0)
        {
            return;
        }

        var told = await notifier.NotifiedAsync(db, Kind, soon.Select(p => Source(p.Id)).ToList(), ct);
        foreach (var promise in soon.Where(p => !told.Contains(Source(p.Id))))
        {
            var number = promise.CaseId.ToString(CultureInfo.InvariantCulture);
            await notifier.NotifyAsync(db, Actor.System, NotificationRecipients.Person(promise.OwnerId),
                new NotificationDraft(Kind, "Notification.PromiseDueSoon", [number, promise.CaseSubject, promise.Words], $"/cases/{number}", "promise",
                    promise.Id.ToString(CultureInfo.InvariantCulture), Source(promise.Id), promise.CaseId), ct);
        }

        await db.SaveChangesAsync(ct);
    }
}
