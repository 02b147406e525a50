using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Contracts.Events;
using Ribalta.Cases.Domain;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;

namespace Ribalta.Cases.Conversation;

/// <summary>What staff add to a conversation: replies, notes, logged calls, and entries about what happened.</summary>
internal sealed partial class ConversationHandler
{
    public Task<Result<long>> ReplyAsync(Actor staff, long caseId, ReplyRequest request, CancellationToken ct)
    {
        var v = CaseLimits.Body(new ValidationBuilder(), "body", request.Body);
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
        var v = CaseLimits.Body(new ValidationBuilder(), "body", request.Body);
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
        var v = CaseLimits.Body(new ValidationBuilder(), "summary", request.Summary);
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
}
