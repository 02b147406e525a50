using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Domain;
using Ribalta.Cases.Search;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;

namespace Ribalta.Cases.Conversation;

/// <summary>The write loop every addition goes through: load the case, stage the message, save, retry on a race.</summary>
internal sealed partial class ConversationHandler
{
    // A case is written by a handful of people at most; a few jittered retries settle any race among them.
    private const int Attempts = 10;

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
