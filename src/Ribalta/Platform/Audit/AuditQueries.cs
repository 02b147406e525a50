using Microsoft.EntityFrameworkCore;
using Ribalta.Platform.Data;
using Ribalta.Platform.Events;

namespace Ribalta.Platform.Audit;

public sealed record AuditFilter(string? Type, string? Actor, string? Subject, DateTimeOffset? From, DateTimeOffset? To, long? Before, int Limit = 50);

/// <summary>An event as administrators read it: <c>Payload</c> as stored, <c>Details</c> its fields in plain words.</summary>
public sealed record AuditEntry(long Id, DateTimeOffset OccurredAt, string Type, ActorKind ActorKind, string? ActorId, string? ActorName, string SubjectType, string SubjectId, Guid? CustomerId, string Payload)
{
    public IReadOnlyList<AuditField> Details { get; init; } = [];
}

public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, long? Next);

/// <summary>The administrators' view over the event log: filter by type (prefix), actor, subject and time; newest first, keyset paged.</summary>
public sealed class AuditQueries(RibaltaDbContext db)
{
    public const int MaxLimit = 200;

    public async Task<AuditPage> SearchAsync(AuditFilter filter, CancellationToken ct)
    {
        var limit = Math.Clamp(filter.Limit, 1, MaxLimit);
        var query = db.Events.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(filter.Type))
        {
            var type = filter.Type.Trim();
            query = type.EndsWith('.') ? query.Where(e => e.Type.StartsWith(type)) : query.Where(e => e.Type == type || e.Type.StartsWith(type + "."));
        }

        if (!string.IsNullOrWhiteSpace(filter.Actor))
        {
            var actor = filter.Actor.Trim();
            query = query.Where(e => e.ActorId == actor || e.ActorName == actor);
        }

        if (!string.IsNullOrWhiteSpace(filter.Subject))
        {
            var subject = filter.Subject.Trim();
            query = query.Where(e => e.SubjectId == subject);
        }

        if (filter.From is { } from)
        {
            var fromUtc = from.ToUniversalTime();
            query = query.Where(e => e.OccurredAt >= fromUtc);
        }

        if (filter.To is { } to)
        {
            var toUtc = to.ToUniversalTime();
            query = query.Where(e => e.OccurredAt < toUtc);
        }

        if (filter.Before is { } before)
        {
            query = query.Where(e => e.Id < before);
        }

        var items = await query
            .OrderByDescending(e => e.Id)
            .Take(limit + 1)
            .Select(e => new AuditEntry(e.Id, e.OccurredAt, e.Type, e.ActorKind, e.ActorId, e.ActorName, e.SubjectType, e.SubjectId, e.CustomerId, e.Payload))
            .ToListAsync(ct);
        var page = items.Take(limit).ToList();

        // People named in the page's events (an assignee, an approver), in one query.
        var ids = AuditDetails.Ids(page.Select(e => e.Payload)).ToList();
        var names = ids.Count == 0 ? new Dictionary<Guid, string>()
            : await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        return new AuditPage(page.Select(e => e with { Details = AuditDetails.Fields(e.Payload, names) }).ToList(), items.Count > limit ? items[limit - 1].Id : null);
    }
}
