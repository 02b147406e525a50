using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Contracts.Events;
using Ribalta.Cases.Domain;
using Ribalta.Platform.Data;
using Ribalta.Platform.Events;
using Ribalta.Platform.Notifications;

namespace Ribalta.Cases.Notifications;

/// <summary>
/// What a case tells people: a colleague who was @mentioned in a note (<c>case.mentioned</c>, the note's author is not
/// told), and the team a new chat is routed to (<c>case.opened</c> on the chat channel: the members of the case's
/// department).
/// </summary>
internal sealed class CaseNotifications : INotificationSource
{
    public const string Mentioned = "case.mentioned";
    public const string ChatStarted = "chat.started";

    public IReadOnlyCollection<string> EventTypes { get; } = [CaseMentioned.Type, CaseOpened.Type];

    public async Task<IReadOnlyList<EventNotification>> DraftAsync(RibaltaDbContext db, EventRecord record, CancellationToken ct)
    {
        if (record.SubjectType != "case" || !long.TryParse(record.SubjectId, NumberStyles.None, CultureInfo.InvariantCulture, out var caseId))
        {
            return [];
        }

        if (record.Type == CaseOpened.Type && record.As<CaseOpened>().Channel != Channel.Chat)
        {
            return [];
        }

        var @case = await db.Set<Case>().AsNoTracking().Where(c => c.Id == caseId).Select(c => new { c.Subject, c.DepartmentId }).FirstOrDefaultAsync(ct);
        if (@case is null)
        {
            return [];
        }

        var number = caseId.ToString(CultureInfo.InvariantCulture);
        if (record.Type == CaseMentioned.Type)
        {
            var mentioned = record.As<CaseMentioned>();
            return [new(NotificationRecipients.Person(mentioned.StaffId),
                new NotificationDraft(Mentioned, "Notification.Mentioned", [record.ActorName ?? "", number, @case.Subject], $"/cases/{number}", "case", number, "", caseId))];
        }

        // A chat reaches its team, as the case was routed when it opened (the widget's department or the organisation's).
        return @case.DepartmentId is { } department
            ? [new(NotificationRecipients.Department(department),
                new NotificationDraft(ChatStarted, "Notification.ChatStarted", [number, @case.Subject], $"/cases/{number}", "case", number, "", caseId))]
            : [];
    }
}
