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

/// <summary>The customer's words on an existing case; <c>Channel</c> is the door they came through (the portal unless said).</summary>
public sealed record CustomerMessageRequest(string? Body, Channel? Channel = null, string? Language = null);

/// <summary>
/// Adds to a conversation: the customer's words (reopening a case that waited on them), staff replies,
/// internal notes and logged calls. Two people writing at once both get their words in: a write that loses a
/// race on the case's version is retried on fresh state.
/// </summary>
internal sealed class ConversationHandler(
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

    // A case is written by a handful of people at most; a few jittered retries settle any race among them.
    private const int Attempts = 10;

    public Task<Result<long>> CustomerWritesAsync(Actor customer, long caseId, CustomerMessageRequest request, CancellationToken ct, IReadOnlyList<Attachments.IncomingFile>? files = null)
    {
        var v = CaseRules.Body(new ValidationBuilder(), "body", request.Body);
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

    public Task<Result<long>> ReplyAsync(Actor staff, long caseId, ReplyRequest request, CancellationToken ct)
    {
        var v = CaseRules.Body(new ValidationBuilder(), "body", request.Body);
        if (request.StatusAfter is CaseStatus.New or CaseStatus.Closed || (request.StatusAfter is { } s && !Enum.IsDefined(s)))
        {
            v.Add("statusAfter", "Validation.StatusAfterReply");
        }

        return v.ToError() is { } invalid
            ? Task.FromResult<Result<long>>(invalid)
            : WriteAsync(caseId, staff, ct, request.AttachmentIds, [], (@case, now) =>
            {
                @case.FirstRespondedAt ??= now;
                var before = @case.Status;
                @case.MoveTo(request.StatusAfter ?? CaseStatus.WaitingOnCustomer, now);
                return With(StaffMessage(staff, @case, MessageKind.Reply, request.Body!, now), new CaseReplied(before, @case.Status));
            },
            sendsReply: true);
    }

    /// <summary>A note for colleagues; "@Name" or "@handle" pulls the people named into the case (they see it under Mentions).</summary>
    public async Task<Result<long>> NoteAsync(Actor staff, long caseId, NoteRequest request, CancellationToken ct)
    {
        var v = CaseRules.Body(new ValidationBuilder(), "body", request.Body);
        if (v.ToError() is { } invalid)
        {
            return invalid;
        }

        var mentioned = request.Body!.Contains('@', StringComparison.Ordinal)
            ? Mentions.MentionParser.Find(request.Body, await mentions.MentionableAsync(ct)).Where(id => id.ToString() != staff.Id).ToList()
            : [];
        return await WriteAsync(
            caseId, staff, ct, request.AttachmentIds, [],
            (@case, now) => With(StaffMessage(staff, @case, MessageKind.InternalNote, request.Body!, now), new CaseNoteAdded(mentioned)),
            async (@case, _, now) =>
            {
                foreach (var person in mentioned)
                {
                    var mention = await db.Set<Mentions.CaseMention>().FirstOrDefaultAsync(m => m.CaseId == caseId && m.StaffId == person, ct);
                    if (mention is null)
                    {
                        db.Add(mention = new Mentions.CaseMention { CaseId = caseId, StaffId = person });
                    }

                    mention.MentionedAt = now;
                    mention.SeenAt = null;
                    mention.MentionedBy = staff.Name;
                    db.Append(clock, staff, new CaseMentioned(person), "case", caseId.ToString(CultureInfo.InvariantCulture), @case.CustomerId);
                }
            });
    }

    public Task<Result<long>> LogCallAsync(Actor staff, long caseId, CallRequest request, CancellationToken ct)
    {
        var v = CaseRules.Body(new ValidationBuilder(), "summary", request.Summary);
        if (request.Direction is null || !Enum.IsDefined(request.Direction.Value))
        {
            v.Add("direction", "Validation.Required");
        }

        if (request.DurationSeconds is null or < 0 or > 86_400)
        {
            v.Add("durationSeconds", "Validation.CallDuration");
        }

        return v.ToError() is { } invalid
            ? Task.FromResult<Result<long>>(invalid)
            : WriteAsync(caseId, staff, ct, null, [], (@case, now) =>
            {
                var message = StaffMessage(staff, @case, MessageKind.Call, request.Summary!, now, request.Direction, request.DurationSeconds);
                return With(message, new CaseCallLogged(request.Direction!.Value, request.DurationSeconds!.Value));
            });
    }

    /// <summary>
    /// An entry for staff about something that happened (a bounce, an automatic reply), without changing the status.
    /// The text is a localization key with its arguments, so each reader sees it in their own language.
    /// </summary>
    public Task<Result<long>> SystemEntryAsync(Actor actor, long caseId, SystemEntry entry, CancellationToken ct) =>
        WriteAsync(caseId, actor, ct, null, [], (@case, now) => With(new Message
        {
            CaseId = @case.Id,
            Kind = MessageKind.System,
            Channel = @case.Channel,
            Language = null,
            AuthorKind = actor.Kind,
            AuthorId = actor.Id,
            AuthorName = actor.Name,
            Body = entry.ToBody(),
            CreatedAt = now,
        }, new CaseSystemEntry(entry.Key)));

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

    private static Message StaffMessage(Actor staff, Case @case, MessageKind kind, string body, DateTimeOffset now, CallDirection? direction = null, int? seconds = null) => new()
    {
        CaseId = @case.Id,
        Kind = kind,
        Channel = kind == MessageKind.Call ? Channel.Phone : @case.Channel,
        Language = @case.Language,
        AuthorKind = staff.Kind,
        AuthorId = staff.Id,
        AuthorName = staff.Name,
        Body = body.Trim(),
        CreatedAt = now,
        CallDirection = direction,
        CallSeconds = seconds,
    };

    private static Written With<TEvent>(Message message, TEvent data)
        where TEvent : class, IEvent =>
        new(message, (db, clock, actor, @case) => db.Append(clock, actor, data, "case", @case.Id.ToString(CultureInfo.InvariantCulture), @case.CustomerId));

    /// <summary>The message, its search entry and its event join the unit of work; the case records the change.</summary>
    private void Stage(Actor actor, Case @case, Written written, DateTimeOffset now)
    {
        @case.Touch(now);
        db.Add(written.Message);
        db.Add(SearchEntry.For(written.Message));
        written.AppendEvent(db, clock, actor, @case);
    }

    /// <summary>A message and the event it makes, appended with its case as the subject when the message is staged.</summary>
    private sealed record Written(Message Message, Func<RibaltaDbContext, TimeProvider, Actor, Case, EventRecord> AppendEvent);

    private async Task<Result<long>> WriteAsync(
        long caseId,
        Actor actor,
        CancellationToken ct,
        IReadOnlyList<Guid>? attachmentIds,
        IReadOnlyList<Attachments.CheckedFile> incoming,
        Func<Case, DateTimeOffset, Written> write,
        Func<Case, Message, DateTimeOffset, Task>? also = null,
        bool sendsReply = false)
    {
        var viewerCustomer = actor.Kind == ActorKind.Customer ? actor.Id : null;
        return await ConflictRetry.RunAsync<Result<long>>(db, async () =>
        {
            var @case = await db.Set<Case>().FirstOrDefaultAsync(c => c.Id == caseId, ct);
            if (@case is null || (viewerCustomer is not null && @case.CustomerId.ToString() != viewerCustomer))
            {
                return Error.NotFound();
            }

            if (@case.Status == CaseStatus.Closed)
            {
                return Error.Conflict("Error.CaseClosed");
            }

            var files = await attachments.PendingAsync(actor, caseId, attachmentIds, ct);
            if (files is null)
            {
                return Error.Validation("attachmentIds", "Validation.AttachmentUnknown");
            }

            var now = clock.GetUtcNow();
            var written = write(@case, now);
            var message = written.Message;
            await targets.SyncAsync(@case, now, ct);
            foreach (var file in files)
            {
                file.Message = message;
            }

            foreach (var file in incoming)
            {
                var attachment = await attachments.StageAsync(actor, caseId, file, ct);
                attachment.Message = message;
                db.Add(attachment);
            }

            if (also is not null)
            {
                await also(@case, message, now);
            }

            Stage(actor, @case, written, now);
            var channel = sendsReply ? replyChannels.FirstOrDefault(c => c.Carries(@case.Channel)) : null;

            // A reply leaves by the case's channel, staged once its message has an id, committed with it or not at all.
            await using var transaction = channel is null || db.Database.CurrentTransaction is not null ? null : await db.Database.BeginTransactionAsync(ct);
            await db.SaveChangesAsync(ct);
            if (channel is not null)
            {
                await channel.StageAsync(new OutgoingReply(@case.Id, message.Id, @case.Channel, @case.CustomerId, @case.Subject, @case.Language, message.Body), ct);
                await db.SaveChangesAsync(ct);
                if (transaction is not null)
                {
                    await transaction.CommitAsync(ct);
                }

                channel.Committed();
            }

            return message.Id;
        }, ct, attempts: Attempts);
    }
}
