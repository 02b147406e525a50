using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Domain;
using Ribalta.Customers.Contracts;
using Ribalta.Platform.Data;

namespace Ribalta.Cases.Inbox;

public enum InboxView
{
    /// <summary>Assigned to me and not yet solved.</summary>
    Mine,

    /// <summary>Nobody owns it yet.</summary>
    Unassigned,

    /// <summary>The customer is waiting for us: new, open, or waiting on us.</summary>
    WaitingOnUs,

    /// <summary>Everything not solved or closed.</summary>
    Open,

    /// <summary>Solved or closed.</summary>
    Done,

    All,
}

public sealed record InboxFilter(InboxView View = InboxView.Open, Guid? Me = null, Guid? CustomerId = null, string? After = null, int Limit = 50);

/// <summary>Lists of cases for the agent workspace, most recently active first, paged by a (time, id) cursor.</summary>
internal sealed class InboxQuery(RibaltaDbContext db, ICustomerDirectory customers) : ICaseDirectory
{
    public const int MaxLimit = 200;

    private static readonly CaseStatus[] Active = [CaseStatus.New, CaseStatus.Open, CaseStatus.WaitingOnCustomer, CaseStatus.WaitingOnUs];
    private static readonly CaseStatus[] OnUs = [CaseStatus.New, CaseStatus.Open, CaseStatus.WaitingOnUs];
    private static readonly CaseStatus[] Finished = [CaseStatus.Solved, CaseStatus.Closed];

    public async Task<CasePage> ListAsync(InboxFilter filter, CancellationToken ct)
    {
        var limit = Math.Clamp(filter.Limit, 1, MaxLimit);
        var cases = db.Set<Case>().AsNoTracking();
        cases = filter.View switch
        {
            InboxView.Mine => cases.Where(c => c.AssigneeId == filter.Me && Active.Contains(c.Status)),
            InboxView.Unassigned => cases.Where(c => c.AssigneeId == null && Active.Contains(c.Status)),
            InboxView.WaitingOnUs => cases.Where(c => OnUs.Contains(c.Status)),
            InboxView.Open => cases.Where(c => Active.Contains(c.Status)),
            InboxView.Done => cases.Where(c => Finished.Contains(c.Status)),
            _ => cases,
        };

        if (filter.CustomerId is { } customerId)
        {
            cases = cases.Where(c => c.CustomerId == customerId);
        }

        if (TryParseCursor(filter.After, out var afterTime, out var afterId))
        {
            cases = cases.Where(c => c.UpdatedAt < afterTime || (c.UpdatedAt == afterTime && c.Id < afterId));
        }

        var rows = await cases
            .OrderByDescending(c => c.UpdatedAt).ThenByDescending(c => c.Id)
            .Take(limit + 1)
            .Select(c => new
            {
                c.Id,
                c.Subject,
                c.Status,
                c.Priority,
                c.Channel,
                c.CustomerId,
                c.AssigneeId,
                Assignee = db.Users.Where(u => u.Id == c.AssigneeId).Select(u => u.DisplayName).FirstOrDefault(),
                c.CreatedAt,
                c.UpdatedAt,
            })
            .ToListAsync(ct);

        var page = rows.Take(limit).ToList();
        var names = await customers.NamesAsync(page.Select(r => r.CustomerId).ToList(), ct);
        var items = page.Select(r => new CaseSummary(r.Id, r.Subject, r.Status, r.Priority, r.Channel, r.CustomerId, names.GetValueOrDefault(r.CustomerId, ""), r.AssigneeId, r.Assignee, r.CreatedAt, r.UpdatedAt)).ToList();
        var next = rows.Count > limit ? Cursor(page[^1].UpdatedAt, page[^1].Id) : null;
        return new CasePage(items, next);
    }

    public Task<CasePage> ForCustomerAsync(Guid customerId, string? after, int limit, CancellationToken cancellationToken) =>
        ListAsync(new InboxFilter(InboxView.All, CustomerId: customerId, After: after, Limit: limit), cancellationToken);

    private static string Cursor(DateTimeOffset at, long id) => string.Create(CultureInfo.InvariantCulture, $"{at.UtcTicks}.{id}");

    private static bool TryParseCursor(string? cursor, out DateTimeOffset at, out long id)
    {
        at = default;
        id = 0;
        var parts = cursor?.Split('.');
        if (parts is not { Length: 2 } || !long.TryParse(parts[0], CultureInfo.InvariantCulture, out var ticks) || !long.TryParse(parts[1], CultureInfo.InvariantCulture, out id)
            || ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return false;
        }

        at = new DateTimeOffset(ticks, TimeSpan.Zero);
        return true;
    }
}
