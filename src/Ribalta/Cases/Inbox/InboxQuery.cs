using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Domain;
using Ribalta.Customers.Contracts;
using Ribalta.Platform.Data;

namespace Ribalta.Cases.Inbox;

public sealed record InboxFilter(InboxView View = InboxView.Open, Guid? Me = null, Guid? CustomerId = null, string? After = null, int Limit = 50, Guid? DepartmentId = null, CasePriority? Priority = null);

/// <summary>Lists of cases for the agent workspace, most recently active first, paged by a (time, id) cursor.</summary>
internal sealed class InboxQuery(RibaltaDbContext db, ICustomerDirectory customers, TimeProvider clock) : ICaseDirectory
{
    public Task<CaseRef?> FindAsync(long caseId, CancellationToken cancellationToken) =>
        db.Set<Case>().AsNoTracking().Where(c => c.Id == caseId)
            .Select(c => new CaseRef(c.Id, c.CustomerId, c.Status, c.Language, c.Subject))
            .FirstOrDefaultAsync(cancellationToken);

    public const int MaxLimit = 200;

    private static readonly CaseStatus[] Active = [CaseStatus.New, CaseStatus.Open, CaseStatus.WaitingOnCustomer, CaseStatus.WaitingOnUs];
    private static readonly CaseStatus[] OnUs = [CaseStatus.New, CaseStatus.Open, CaseStatus.WaitingOnUs];
    private static readonly CaseStatus[] Finished = [CaseStatus.Solved, CaseStatus.Closed];

    public async Task<CasePage> ListAsync(InboxFilter filter, CancellationToken ct)
    {
        var limit = Math.Clamp(filter.Limit, 1, MaxLimit);
        if (filter.View == InboxView.Team)
        {
            // My team is my department; someone in none has no team queue.
            var department = await db.Users.Where(u => u.Id == filter.Me).Select(u => u.DepartmentId).FirstOrDefaultAsync(ct);
            if (department is null)
            {
                return new CasePage([], null);
            }

            filter = filter with { DepartmentId = department };
        }

        if (filter.View == InboxView.Overdue)
        {
            return await OverdueAsync(filter, limit, ct);
        }

        if (filter.View == InboxView.Mentions)
        {
            return await MentionsAsync(filter, limit, ct);
        }

        CaseStatus[]? statuses = filter.View switch
        {
            InboxView.Mine or InboxView.Team or InboxView.Unassigned or InboxView.Open => Active,
            InboxView.WaitingOnUs => OnUs,
            InboxView.Done => Finished,
            _ => null,
        };

        // One index-ordered query per status, merged here: an IN over statuses would make the database sort every
        // matching case before it could return the newest fifty. Each query reads at most limit + 1 rows.
        var rows = new List<InboxRow>();
        foreach (var status in statuses?.Cast<CaseStatus?>() ?? [null])
        {
            rows.AddRange(await Page(filter, status, limit + 1).ToListAsync(ct));
        }

        rows = rows.OrderByDescending(r => r.UpdatedAt).ThenByDescending(r => r.Id).Take(limit + 1).ToList();
        var page = rows.Take(limit).ToList();
        var next = rows.Count > limit ? Cursor(page[^1].UpdatedAt, page[^1].Id) : null;
        return new CasePage(await SummariesAsync(page, ct), next);
    }

    /// <summary>Cases past a target, most overdue first, paged by (due time, id).</summary>
    private async Task<CasePage> OverdueAsync(InboxFilter filter, int limit, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var cases = Filtered(db.Set<Case>().AsNoTracking(), filter).Where(c => c.NextDueAt != null && c.NextDueAt < now);
        if (TryParseCursor(filter.After, out var afterDue, out var afterId))
        {
            cases = cases.Where(c => c.NextDueAt > afterDue || (c.NextDueAt == afterDue && c.Id > afterId));
        }

        var rows = await Project(cases.OrderBy(c => c.NextDueAt).ThenBy(c => c.Id).Take(limit + 1)).ToListAsync(ct);
        var page = rows.Take(limit).ToList();
        var next = rows.Count > limit ? Cursor(page[^1].DueAt!.Value, page[^1].Id) : null;
        return new CasePage(await SummariesAsync(page, ct), next);
    }

    /// <summary>Cases I was mentioned in, by the time of the latest mention, paged by (mention time, case id).</summary>
    private async Task<CasePage> MentionsAsync(InboxFilter filter, int limit, CancellationToken ct)
    {
        var mentions = db.Set<Mentions.CaseMention>().AsNoTracking().Where(m => m.StaffId == filter.Me);
        if (TryParseCursor(filter.After, out var afterTime, out var afterId))
        {
            mentions = mentions.Where(m => m.MentionedAt < afterTime || (m.MentionedAt == afterTime && m.CaseId < afterId));
        }

        var page = await mentions.OrderByDescending(m => m.MentionedAt).ThenByDescending(m => m.CaseId).Take(limit + 1)
            .Select(m => new { m.CaseId, m.MentionedAt }).ToListAsync(ct);
        var ids = page.Select(m => m.CaseId).ToList();
        var cases = (await Project(Filtered(db.Set<Case>().AsNoTracking(), filter with { View = InboxView.All }).Where(c => ids.Contains(c.Id))).ToListAsync(ct)).ToDictionary(r => r.Id);
        var rows = page.Take(limit).Where(m => cases.ContainsKey(m.CaseId)).Select(m => cases[m.CaseId]).ToList();
        var next = page.Count > limit ? Cursor(page[limit - 1].MentionedAt, page[limit - 1].CaseId) : null;
        return new CasePage(await SummariesAsync(rows, ct), next);
    }

    private async Task<IReadOnlyList<CaseSummary>> SummariesAsync(List<InboxRow> page, CancellationToken ct)
    {
        var names = await customers.NamesAsync(page.Select(r => r.CustomerId).ToList(), ct);
        return page.Select(r => new CaseSummary(r.Id, r.Subject, r.Status, r.Priority, r.Channel, r.CustomerId, names.GetValueOrDefault(r.CustomerId, ""), r.AssigneeId, r.Assignee, r.CreatedAt, r.UpdatedAt, r.DueAt)).ToList();
    }

    private IQueryable<Case> Filtered(IQueryable<Case> cases, InboxFilter filter)
    {
        if (filter.View == InboxView.Mine)
        {
            cases = cases.Where(c => c.AssigneeId == filter.Me);
        }
        else if (filter.View == InboxView.Unassigned)
        {
            cases = cases.Where(c => c.AssigneeId == null);
        }

        if (filter.DepartmentId is { } department)
        {
            cases = cases.Where(c => c.DepartmentId == department);
        }

        if (filter.Priority is { } priority)
        {
            cases = cases.Where(c => c.Priority == priority);
        }

        if (filter.CustomerId is { } customerId)
        {
            cases = cases.Where(c => c.CustomerId == customerId);
        }

        return cases;
    }

    private IQueryable<InboxRow> Page(InboxFilter filter, CaseStatus? status, int take)
    {
        var cases = Filtered(db.Set<Case>().AsNoTracking(), filter);
        if (status is { } s)
        {
            cases = cases.Where(c => c.Status == s);
        }

        if (TryParseCursor(filter.After, out var afterTime, out var afterId))
        {
            cases = cases.Where(c => c.UpdatedAt < afterTime || (c.UpdatedAt == afterTime && c.Id < afterId));
        }

        return Project(cases.OrderByDescending(c => c.UpdatedAt).ThenByDescending(c => c.Id).Take(take));
    }

    private IQueryable<InboxRow> Project(IQueryable<Case> cases) =>
        cases.Select(c => new InboxRow(
                c.Id,
                c.Subject,
                c.Status,
                c.Priority,
                c.Channel,
                c.CustomerId,
                c.AssigneeId,
                db.Users.Where(u => u.Id == c.AssigneeId).Select(u => u.DisplayName).FirstOrDefault(),
                c.CreatedAt,
                c.UpdatedAt,
                c.NextDueAt));

    private sealed record InboxRow(long Id, string Subject, CaseStatus Status, CasePriority Priority, Channel Channel, Guid CustomerId, Guid? AssigneeId, string? Assignee, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? DueAt);

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
