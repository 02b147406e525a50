using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Contracts.Events;
using Ribalta.Cases.Domain;
using Ribalta.Cases.Search;
using Ribalta.Customers.Contracts;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Text;

namespace Ribalta.Cases.Conversation;

public sealed record ReplyRequest(string? Body, CaseStatus? StatusAfter = null, IReadOnlyList<Guid>? AttachmentIds = null);

public sealed record NoteRequest(string? Body, IReadOnlyList<Guid>? AttachmentIds = null);

public sealed record CallRequest(CallDirection? Direction, int? DurationSeconds, string? Summary);

/// <summary>The answer to a reply, note or call: the message written, and the case it is on.</summary>
public sealed record MessageCreated(long CaseId, long MessageId);

/// <summary>The customer's words on an existing case; <c>Channel</c> is the door they came through (the portal unless said).</summary>
public sealed record CustomerMessageRequest(string? Body, Channel? Channel = null, string? Language = null);

/// <summary>
/// Adds to a conversation: the customer's words (reopening a case that waited on them), staff replies,
/// internal notes and logged calls. Two people writing at once both get their words in: a write that loses a
/// race on the case's version is retried on fresh state.
/// </summary>
internal sealed partial class ConversationHandler(
    RibaltaDbContext db,
    Attachments.AttachmentService attachments,
    Targets.CaseTargets targets,
    Mentions.MentionInbox mentions,
    ICustomerDirectory customers,
    LanguageDetector languages,
    IEnumerable<IReplyChannel> replyChannels,
    TimeProvider clock) : ICaseConversation
{
    Task<Result<long>> ICaseConversation.ReplyAsync(Actor staff, long caseId, string body, CancellationToken cancellationToken, CaseStatus? statusAfter) =>
        ReplyAsync(staff, caseId, new ReplyRequest(body, statusAfter), cancellationToken);

    async Task<IReadOnlyList<ReplyRef>> ICaseConversation.RecentRepliesAsync(long caseId, int limit, CancellationToken cancellationToken) =>
        await db.Set<Message>().AsNoTracking().Where(m => m.CaseId == caseId && m.Kind == MessageKind.Reply).OrderByDescending(m => m.Id).Take(Math.Clamp(limit, 1, 50))
            .Select(m => new ReplyRef(m.Id, m.AuthorId, m.AuthorName, m.Body, m.CreatedAt)).ToListAsync(cancellationToken);

    async Task<IReadOnlyList<CustomerLine>> ICaseConversation.CustomerLinesAsync(long caseId, int limit, CancellationToken cancellationToken, DateTimeOffset? since, long? messageId)
    {
        var visible = db.Set<Message>().AsNoTracking().Where(m => m.CaseId == caseId && (m.Kind == MessageKind.Customer || m.Kind == MessageKind.Reply));
        visible = messageId is { } id ? visible.Where(m => m.Id == id) : since is { } from ? visible.Where(m => m.CreatedAt >= from) : visible;
        var lines = await visible.OrderByDescending(m => m.Id).Take(Math.Max(limit, 1))
            .Select(m => new CustomerLine(m.Id, m.Kind == MessageKind.Customer, m.AuthorName, m.Body, m.CreatedAt)).ToListAsync(cancellationToken);
        lines.Reverse();
        return lines;
    }

    public Task<Result<long>> CustomerWritesAsync(Actor customer, long caseId, CustomerMessageRequest request, CancellationToken ct, IReadOnlyList<Attachments.IncomingFile>? files = null)
    {
        var v = CaseLimits.Body(new ValidationBuilder(), "body", request.Body);
        var incoming = CaseRules.Files(v, files);
        if (v.ToError() is { } invalid)
        {
            return Task.FromResult<Result<long>>(invalid);
        }

        // The language they wrote in: said by the door, else read from the words with the case's language as the prior
        // (a short follow-up continues the conversation's language). A customer without one learns it from clear evidence.
        var reading = new LanguageReading(string.IsNullOrEmpty(request.Language) ? null : request.Language, Confident: true);
        return WriteAsync(
            caseId, customer, ct, null, incoming,
            (@case, now) =>
            {
                if (string.IsNullOrEmpty(request.Language))
                {
                    reading = languages.Read(request.Body, @case.Language);
                }

                return CustomerMessage(customer, @case, request with { Language = reading.Language }, now);
            },
            (@case, _, _) => reading is { Confident: true, Language: { } language } ? customers.LearnLanguageAsync(@case.CustomerId, language, ct) : Task.CompletedTask);
    }

    /// <summary>
    /// The customer's words on a case the caller loaded (tracked) and knows to be theirs, staged without saving: for
    /// a caller that writes many messages in one transaction and saves once. The body must already be valid.
    /// </summary>
    public async Task<Result<Message>> StageCustomerMessageAsync(Actor customer, Case @case, CustomerMessageRequest request, CancellationToken ct)
    {
        if (@case.Status == CaseStatus.Closed)
        {
            return Error.Conflict("Error.CaseClosed");
        }

        var now = clock.GetUtcNow();
        var written = CustomerMessage(customer, @case, request, now);
        await targets.SyncAsync(@case, now, ct);
        Stage(customer, @case, written, now);
        return written.Message;
    }

    private static Written CustomerMessage(Actor customer, Case @case, CustomerMessageRequest request, DateTimeOffset now)
    {
        var reopened = @case.ReopenOnCustomerMessage(now);
        var message = new Message
        {
            CaseId = @case.Id,
            Kind = MessageKind.Customer,
            Channel = request.Channel ?? Channel.Portal,
            Language = request.Language ?? @case.Language,
            AuthorKind = ActorKind.Customer,
            AuthorId = customer.Id,
            AuthorName = customer.Name,
            Body = request.Body!.Trim(),
            CreatedAt = now,
        };
        return reopened ? With(message, new CaseReopened(reopened)) : With(message, new CaseCustomerWrote(reopened));
    }

    /// <summary>The customer says their matter is settled: the case becomes solved (and reopens if they write again).</summary>
    public async Task<Result<bool>> CustomerSolvesAsync(Actor customer, long caseId, CancellationToken ct)
    {
        var @case = await db.Set<Case>().FirstOrDefaultAsync(c => c.Id == caseId, ct);
        if (@case is null || @case.CustomerId.ToString() != customer.Id)
        {
            return Error.NotFound();
        }

        if (@case.Status is CaseStatus.Solved or CaseStatus.Closed)
        {
            return true;
        }

        var now = clock.GetUtcNow();
        var before = @case.Status;
        @case.MoveTo(CaseStatus.Solved, now);
        await targets.SyncAsync(@case, now, ct);
        @case.Touch(now);
        db.Append(clock, customer, new CaseStatusChanged(before, @case.Status), "case", caseId.ToString(CultureInfo.InvariantCulture), @case.CustomerId);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Error.StaleVersion();
        }

        return true;
    }
}
