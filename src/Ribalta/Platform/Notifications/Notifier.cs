using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Ribalta.Platform.Data;
using Ribalta.Platform.Events;

namespace Ribalta.Platform.Notifications;

/// <summary>The kinds the modules registered, in the order the preferences list them.</summary>
internal sealed class NotificationKinds(IEnumerable<NotificationKind> kinds)
{
    public IReadOnlyList<NotificationKind> All { get; } = kinds.OrderBy(k => k.Order).ThenBy(k => k.Name, StringComparer.Ordinal).ToList();

    public bool IsKnown(string kind) => All.Any(k => k.Name == kind);
}

/// <summary>
/// Adds notifications to the caller's unit of work: departments expanded to their active members, the actor, muted
/// kinds, deactivated people and repeats of the same source left out.
/// </summary>
internal sealed class Notifier(NotificationKinds kinds, NotificationPush push, TimeProvider clock) : INotifier
{
    /// <summary>Longest argument kept (a case subject can be long; the text stays a line).</summary>
    public const int ArgumentMax = 200;

    public const int ArgumentsMax = 2000;

    /// <summary>Arguments stored as written (Arabic stays Arabic, not \u escapes six times its length).</summary>
    private static readonly JsonSerializerOptions ArgumentsJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public async Task<IReadOnlySet<string>> NotifiedAsync(RibaltaDbContext db, string kind, IReadOnlyCollection<string> sources, CancellationToken ct)
    {
        var wanted = sources.Distinct(StringComparer.Ordinal).ToList();
        return wanted.Count == 0
            ? new HashSet<string>()
            : (await db.Set<Notification>().AsNoTracking().Where(n => n.Kind == kind && wanted.Contains(n.Source)).Select(n => n.Source).Distinct().ToListAsync(ct))
                .ToHashSet(StringComparer.Ordinal);
    }

    public async Task<int> NotifyAsync(RibaltaDbContext db, Actor actor, NotificationRecipients recipients, NotificationDraft draft, CancellationToken ct)
    {
        if (!kinds.IsKnown(draft.Kind))
        {
            throw new ArgumentException($"Notification kind '{draft.Kind}' is not registered (services.AddNotificationKind).", nameof(draft));
        }

        if (draft.Link.Length > NotificationDraft.LinkMax || !draft.Link.StartsWith('/') || draft.Source.Length > NotificationDraft.SourceMax || draft.TextKey.Length > NotificationDraft.TextKeyMax)
        {
            throw new ArgumentException("A notification's link is a path in the app; link, source and text key fit their columns.", nameof(draft));
        }

        var people = recipients.People.ToHashSet();
        if (recipients.Departments.Count > 0)
        {
            var departments = recipients.Departments.ToList();
            people.UnionWith(await db.Users.AsNoTracking().Where(u => u.IsActive && u.DepartmentId != null && departments.Contains(u.DepartmentId.Value))
                .Select(u => u.Id).ToListAsync(ct));
        }

        // Nobody is told about what they did themselves.
        if (actor.Kind == ActorKind.Staff && Guid.TryParse(actor.Id, out var self))
        {
            people.Remove(self);
        }

        if (people.Count == 0)
        {
            return 0;
        }

        var ids = people.ToList();
        var active = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id) && u.IsActive).Select(u => u.Id).ToListAsync(ct);
        var muted = (await db.Set<NotificationPreference>().AsNoTracking().Where(p => ids.Contains(p.StaffId) && p.Muted != "").ToListAsync(ct))
            .Where(p => p.MutedKinds.Contains(draft.Kind)).Select(p => p.StaffId).ToHashSet();
        var told = (await db.Set<Notification>().AsNoTracking().Where(n => ids.Contains(n.RecipientId) && n.Kind == draft.Kind && n.Source == draft.Source)
            .Select(n => n.RecipientId).ToListAsync(ct)).ToHashSet();
        told.UnionWith(db.ChangeTracker.Entries<Notification>().Where(e => e.State == EntityState.Added && e.Entity.Kind == draft.Kind && e.Entity.Source == draft.Source)
            .Select(e => e.Entity.RecipientId));

        var arguments = JsonSerializer.Serialize(draft.Arguments.Select(a => a.Length <= ArgumentMax ? a : a[..(ArgumentMax - 1)] + "…"), ArgumentsJson);
        if (arguments.Length > ArgumentsMax)
        {
            throw new ArgumentException($"A notification's arguments take at most {ArgumentsMax} characters as JSON.", nameof(draft));
        }

        var now = clock.GetUtcNow();
        var added = new List<Guid>();
        foreach (var person in active.Where(p => !muted.Contains(p) && !told.Contains(p)).Order())
        {
            db.Add(new Notification
            {
                RecipientId = person,
                Kind = draft.Kind,
                SubjectType = draft.SubjectType,
                SubjectId = draft.SubjectId,
                CaseId = draft.CaseId,
                TextKey = draft.TextKey,
                Arguments = arguments,
                Link = draft.Link,
                Source = draft.Source,
                CreatedAt = now,
            });
            added.Add(person);
        }

        push.Stage(db, added);
        return added.Count;
    }
}
