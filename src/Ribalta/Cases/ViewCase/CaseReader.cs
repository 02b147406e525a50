using Microsoft.EntityFrameworkCore;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Domain;
using Ribalta.Customers.Contracts;
using Ribalta.Platform.Data;
using Ribalta.Platform.Events;

namespace Ribalta.Cases.ViewCase;

/// <summary>Who is looking at a case: staff see every case and internal notes; a customer sees only their own cases and never notes.</summary>
public sealed record CaseViewer(Guid? CustomerId)
{
    public static readonly CaseViewer Staff = new((Guid?)null);

    public bool IsCustomer => CustomerId is not null;

    public static CaseViewer From(Actor actor) =>
        actor.Kind == ActorKind.Customer && Guid.TryParse(actor.Id, out var id) ? new CaseViewer(id) : Staff;
}

internal sealed class CaseReader(RibaltaDbContext db, ICustomerDirectory customers)
{
    public const int MessagePageSize = 100;

    /// <summary>The case, or null when it does not exist or the viewer may not see it (the same answer, so ids reveal nothing).</summary>
    public async Task<CaseDetails?> FindAsync(long id, CaseViewer viewer, CancellationToken ct)
    {
        var row = await db.Set<Case>().AsNoTracking()
            .Where(c => c.Id == id && (viewer.CustomerId == null || c.CustomerId == viewer.CustomerId))
            .Select(c => new
            {
                Case = c,
                Tags = c.Tags.Select(t => t.Tag).ToList(),
                Assignee = db.Users.Where(u => u.Id == c.AssigneeId).Select(u => u.DisplayName).FirstOrDefault(),
                Department = db.Set<Platform.Identity.Department>().Where(d => d.Id == c.DepartmentId).Select(d => d.Name).FirstOrDefault(),
            })
            .FirstOrDefaultAsync(ct);
        if (row is null)
        {
            return null;
        }

        var c = row.Case;
        var customer = await customers.FindAsync(c.CustomerId, ct);
        // Links are stored once per pair, so the case may be on either side; one query reads both.
        var linkedIds = db.Set<CaseLink>().Where(l => l.CaseId == id).Select(l => l.OtherCaseId)
            .Concat(db.Set<CaseLink>().Where(l => l.OtherCaseId == id).Select(l => l.CaseId));
        var links = await db.Set<Case>().AsNoTracking()
            .Where(l => linkedIds.Contains(l.Id) && (viewer.CustomerId == null || l.CustomerId == viewer.CustomerId))
            .OrderBy(l => l.Id)
            .Select(l => new LinkedCase(l.Id, l.Subject, l.Status))
            .ToListAsync(ct);
        return new CaseDetails(
            c.Id, c.Subject, c.Status, c.Priority, c.Channel, c.Language, c.CustomerId, customer?.DisplayName ?? "",
            c.AssigneeId, row.Assignee, c.DepartmentId, row.Tags.Order(StringComparer.Ordinal).ToList(),
            c.CreatedAt, c.UpdatedAt, c.FirstRespondedAt, c.SolvedAt, c.Version, c.MergedIntoId, links,
            viewer.IsCustomer || (c.FirstResponseTargetMinutes is null && c.ResolutionTargetMinutes is null) ? null : new CaseTargetsDto(
                c.FirstResponseTargetMinutes, c.FirstResponseDueAt, c.FirstResponsePending, c.FirstResponseBreachedAt,
                c.ResolutionTargetMinutes, c.ResolutionDueAt, c.ResolutionSecondsLeftWhilePaused, c.ResolutionBreachedAt),
            viewer.IsCustomer ? null : row.Department);
    }

    /// <summary>The conversation in order, a page at a time; customers never receive internal notes.</summary>
    public async Task<MessagePage?> MessagesAsync(long caseId, CaseViewer viewer, long? after, int limit, CancellationToken ct)
    {
        // A customer's case is checked to be theirs before anything is read; for staff, a page with messages proves
        // the case exists (a message belongs to its case), so only an empty page asks.
        if (viewer.IsCustomer && !await CaseVisibleAsync(caseId, viewer, ct))
        {
            return null;
        }

        limit = Math.Clamp(limit, 1, MessagePageSize);
        var query = db.Set<Message>().AsNoTracking().Where(m => m.CaseId == caseId);
        if (viewer.IsCustomer)
        {
            query = query.Where(m => m.Kind != MessageKind.InternalNote && m.Kind != MessageKind.System);
        }

        if (after is { } cursor)
        {
            query = query.Where(m => m.Id > cursor);
        }

        var items = await query.OrderBy(m => m.Id).Take(limit + 1)
            .Select(m => new MessageDto(m.Id, m.Kind, m.Channel, m.Language, m.AuthorName, m.Body, m.CreatedAt, m.CallDirection, m.CallSeconds, Array.Empty<AttachmentDto>()))
            .ToListAsync(ct);
        if (items.Count == 0 && !viewer.IsCustomer && !await CaseVisibleAsync(caseId, viewer, ct))
        {
            return null;
        }

        var page = items.Take(limit).ToList();
        if (page.Count == 0)
        {
            return new MessagePage(page, null);
        }

        // Attachments of the page's messages in one query.
        var ids = page.Select(m => (long?)m.Id).ToList();
        var files = (await db.Set<Attachments.Attachment>().AsNoTracking().Where(a => ids.Contains(a.MessageId)).OrderBy(a => a.Id).ToListAsync(ct))
            .ToLookup(a => a.MessageId!.Value, Attachments.AttachmentService.ToDto);
        page = page.Select(m => files.Contains(m.Id) ? m with { Attachments = files[m.Id].ToList() } : m).ToList();
        if (!viewer.IsCustomer)
        {
            // The emails behind the page's messages: what came in, and how the replies' mail is doing.
            var inbound = (await db.Set<Email.EmailRecord>().Where(e => e.Direction == Email.EmailDirection.Inbound && ids.Contains(e.MessageId))
                    .Select(e => new { e.MessageId, e.Address, e.HasHtml, HasOriginal = e.EmlSha256 != null }).ToListAsync(ct))
                .ToDictionary(e => e.MessageId!.Value, e => new MessageEmailDto(e.Address, e.HasHtml, e.HasOriginal, null, 0, null, null));
            var outbound = (await db.Set<Email.OutboundEmail>().Where(o => ids.Contains(o.MessageId))
                    .Select(o => new { o.MessageId, o.ToAddress, o.Status, o.Attempts, o.SentAt, o.LastError }).ToListAsync(ct))
                .ToDictionary(o => o.MessageId!.Value, o => new MessageEmailDto(o.ToAddress, false, false, o.Status.ToString(), o.Attempts, o.SentAt, o.LastError));
            page = page.Select(m => (inbound.GetValueOrDefault(m.Id) ?? outbound.GetValueOrDefault(m.Id)) is { } email ? m with { Email = email } : m).ToList();
        }

        return new MessagePage(page, items.Count > limit ? items[limit - 1].Id : null);
    }

    private Task<bool> CaseVisibleAsync(long caseId, CaseViewer viewer, CancellationToken ct) =>
        db.Set<Case>().AnyAsync(c => c.Id == caseId && (viewer.CustomerId == null || c.CustomerId == viewer.CustomerId), ct);
}
