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

internal sealed class CaseReader(RibaltaDbContext db, ICustomerDirectory customers, CaseQueries queries, IMessageEmails messageEmails)
{
    public const int MessagePageSize = 100;

    /// <summary>The case, or null when it does not exist or the viewer may not see it (the same answer, so ids reveal nothing).</summary>
    public Task<CaseDetails?> FindAsync(long id, CaseViewer viewer, CancellationToken ct) =>
        OnOneConnectionAsync(() => ReadCaseAsync(id, viewer, ct), ct);

    /// <summary>The conversation in order, a page at a time; customers never receive internal notes.</summary>
    public Task<MessagePage?> MessagesAsync(long caseId, CaseViewer viewer, long? after, int limit, CancellationToken ct) =>
        OnOneConnectionAsync(() => ReadMessagesAsync(caseId, viewer, after, limit, ct), ct);

    /// <summary>
    /// Runs a read's queries on one connection: otherwise each query takes a connection from the pool and gives it
    /// back (on SQLite also registering EF Core's functions on it again): 3% of a case view's CPU in a profile.
    /// </summary>
    private async Task<T> OnOneConnectionAsync<T>(Func<Task<T>> read, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            return await read();
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task<CaseDetails?> ReadCaseAsync(long id, CaseViewer viewer, CancellationToken ct)
    {
        var row = await queries.CaseRow(db, id, viewer.CustomerId, ct);
        if (row is null)
        {
            return null;
        }

        var c = row.Case;
        var customer = await customers.FindAsync(c.CustomerId, ct);
        var links = row.LinkedFrom.Concat(row.LinkedTo).OrderBy(l => l.Id).ToList();
        return new CaseDetails(
            c.Id, c.Subject, c.Status, c.Priority, c.Channel, c.Language, c.CustomerId, customer?.DisplayName ?? "",
            c.AssigneeId, row.Assignee, c.DepartmentId, row.Tags.Order(StringComparer.Ordinal).ToList(),
            c.CreatedAt, c.UpdatedAt, c.FirstRespondedAt, c.SolvedAt, c.Version, c.MergedIntoId, links,
            viewer.IsCustomer || (c.FirstResponseTargetMinutes is null && c.ResolutionTargetMinutes is null) ? null : new CaseTargetsDto(
                c.FirstResponseTargetMinutes, c.FirstResponseDueAt, c.FirstResponsePending, c.FirstResponseBreachedAt,
                c.ResolutionTargetMinutes, c.ResolutionDueAt, c.ResolutionSecondsLeftWhilePaused, c.ResolutionBreachedAt),
            viewer.IsCustomer ? null : row.Department);
    }

    private async Task<MessagePage?> ReadMessagesAsync(long caseId, CaseViewer viewer, long? after, int limit, CancellationToken ct)
    {
        // A customer's case is checked to be theirs before anything is read; for staff, a page with messages proves
        // the case exists (a message belongs to its case), so only an empty page asks.
        if (viewer.IsCustomer && !await CaseVisibleAsync(caseId, viewer, ct))
        {
            return null;
        }

        // One query for the page with its files and, for staff, its emails: on PostgreSQL every query is a round trip.
        limit = Math.Clamp(limit, 1, MessagePageSize);
        var items = viewer.IsCustomer
            ? await queries.CustomerMessages(db, caseId, after ?? 0, limit + 1).ToListAsync(ct)
            : await queries.StaffMessages(db, caseId, after ?? 0, limit + 1).ToListAsync(ct);
        if (items.Count == 0 && !viewer.IsCustomer && !await CaseVisibleAsync(caseId, viewer, ct))
        {
            return null;
        }

        // Staff see the emails behind customers' words and replies (a second query, only for a page that has some).
        var mailed = viewer.IsCustomer ? [] : items.Take(limit).Select(r => r.Message).Where(m => m.Kind == MessageKind.Reply || (m.Kind == MessageKind.Customer && m.Channel == Channel.Email)).Select(m => m.Id).ToList();
        var emails = mailed.Count == 0 ? null : await messageEmails.ForMessagesAsync(mailed, ct);
        var page = items.Take(limit).Select(row => row.Message with
        {
            Attachments = row.Files.Select(Attachments.AttachmentService.ToDto).ToList(),
            Email = emails?.GetValueOrDefault(row.Message.Id),
        }).ToList();
        return new MessagePage(page, items.Count > limit ? items[limit - 1].Message.Id : null);
    }

    private Task<bool> CaseVisibleAsync(long caseId, CaseViewer viewer, CancellationToken ct) =>
        db.Set<Case>().AnyAsync(c => c.Id == caseId && (viewer.CustomerId == null || c.CustomerId == viewer.CustomerId), ct);
}

/// <summary>
/// The queries every case view runs, compiled once: they skip EF Core's per-call work of reading the expression tree
/// and looking up its cached SQL. A compiled query belongs to one model, so these live in a singleton of the host
/// rather than in static fields (a test process runs several hosts).
/// </summary>
internal sealed class CaseQueries
{
    public sealed record CaseRowData(Case Case, List<string> Tags, string? Assignee, string? Department, List<LinkedCase> LinkedFrom, List<LinkedCase> LinkedTo);

    public Func<RibaltaDbContext, long, Guid?, CancellationToken, Task<CaseRowData?>> CaseRow { get; } =
        EF.CompileAsyncQuery((RibaltaDbContext db, long id, Guid? customerId, CancellationToken ct) => db.Set<Case>().AsNoTracking()
            .Where(c => c.Id == id && (customerId == null || c.CustomerId == customerId))
            .Select(c => new CaseRowData(
                c,
                c.Tags.Select(t => t.Tag).ToList(),
                db.Users.Where(u => u.Id == c.AssigneeId).Select(u => u.DisplayName).FirstOrDefault(),
                db.Set<Platform.Identity.Department>().Where(d => d.Id == c.DepartmentId).Select(d => d.Name).FirstOrDefault(),
                // A link is stored once per pair, so the case may be on either side of it.
                db.Set<CaseLink>().Where(k => k.CaseId == c.Id).Join(db.Set<Case>(), k => k.OtherCaseId, l => l.Id, (k, l) => l)
                    .Where(l => customerId == null || l.CustomerId == customerId).Select(l => new LinkedCase(l.Id, l.Subject, l.Status)).ToList(),
                db.Set<CaseLink>().Where(k => k.OtherCaseId == c.Id).Join(db.Set<Case>(), k => k.CaseId, l => l.Id, (k, l) => l)
                    .Where(l => customerId == null || l.CustomerId == customerId).Select(l => new LinkedCase(l.Id, l.Subject, l.Status)).ToList()))
            .AsSingleQuery()
            .FirstOrDefault());

    public sealed record MessageRow(MessageDto Message, List<Attachments.Attachment> Files);

    /// <summary>Messages after a cursor (0: from the start), in order, with their files.</summary>
    public Func<RibaltaDbContext, long, long, int, IAsyncEnumerable<MessageRow>> StaffMessages { get; } =
        EF.CompileAsyncQuery((RibaltaDbContext db, long caseId, long after, int take) => db.Set<Message>().AsNoTracking().AsSingleQuery()
            .Where(m => m.CaseId == caseId && m.Id > after)
            .OrderBy(m => m.Id)
            .Take(take)
            .Select(m => new MessageRow(
                new MessageDto(m.Id, m.Kind, m.Channel, m.Language, m.AuthorName, m.Body, m.CreatedAt, m.CallDirection, m.CallSeconds, Array.Empty<AttachmentDto>(), null),
                db.Set<Attachments.Attachment>().Where(a => a.MessageId == m.Id).OrderBy(a => a.Id).ToList())));

    /// <summary>A customer's page: no notes or system messages, and nothing about the emails behind the messages.</summary>
    public Func<RibaltaDbContext, long, long, int, IAsyncEnumerable<MessageRow>> CustomerMessages { get; } =
        EF.CompileAsyncQuery((RibaltaDbContext db, long caseId, long after, int take) => db.Set<Message>().AsNoTracking().AsSingleQuery()
            .Where(m => m.CaseId == caseId && m.Id > after && m.Kind != MessageKind.InternalNote && m.Kind != MessageKind.System)
            .OrderBy(m => m.Id)
            .Take(take)
            .Select(m => new MessageRow(
                new MessageDto(m.Id, m.Kind, m.Channel, m.Language, m.AuthorName, m.Body, m.CreatedAt, m.CallDirection, m.CallSeconds, Array.Empty<AttachmentDto>(), null),
                db.Set<Attachments.Attachment>().Where(a => a.MessageId == m.Id).OrderBy(a => a.Id).ToList())));
}
