using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Ribalta.Empowerment.Contracts;
using Ribalta.Empowerment.Contracts.Events;
using Ribalta.Empowerment.Data;
using Ribalta.Platform.Data;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Notifications;

namespace Ribalta.Empowerment.Help;

/// <summary>
/// Help as it reaches people: a request waits for the colleague asked, or for every member of the department asked
/// (<c>help.asked</c>, linking to the help queue where it is answered); the answer goes back to the one who asked
/// (<c>help.answered</c>: approved, declined or answered, linking to the case).
/// </summary>
internal sealed class HelpNotifications : INotificationSource
{
    public const string Asked = "help.asked";
    public const string Answered = "help.answered";

    public IReadOnlyCollection<string> EventTypes { get; } = [HelpAsked.Type, HelpAnswered.Type];

    public async Task<IReadOnlyList<EventNotification>> DraftAsync(RibaltaDbContext db, EventRecord record, CancellationToken ct)
    {
        var id = record.Type == HelpAsked.Type ? record.As<HelpAsked>().HelpRequestId : record.As<HelpAnswered>().HelpRequestId;
        var request = await db.Set<HelpRequest>().AsNoTracking().Where(r => r.Id == id)
            .Select(r => new { r.CaseId, r.CaseSubject, r.AskedBy, r.AskedByName, r.HelperId, r.DepartmentId, r.Status, r.AnsweredByName }).FirstOrDefaultAsync(ct);
        if (request is null)
        {
            return [];
        }

        var number = request.CaseId.ToString(CultureInfo.InvariantCulture);
        if (record.Type == HelpAsked.Type)
        {
            var asked = record.As<HelpAsked>();
            if (asked.HelperId is { } helper)
            {
                return [new(NotificationRecipients.Person(helper),
                    new NotificationDraft(Asked, "Notification.HelpAsked", [request.AskedByName, number, request.CaseSubject], "/help", "help_request", id.ToString(CultureInfo.InvariantCulture), "", request.CaseId))];
            }

            if (asked.DepartmentId is not { } department)
            {
                return [];
            }

            var team = await db.Set<Department>().AsNoTracking().Where(d => d.Id == department).Select(d => d.Name).FirstOrDefaultAsync(ct) ?? "";
            return [new(NotificationRecipients.Department(department),
                new NotificationDraft(Asked, "Notification.HelpAskedTeam", [request.AskedByName, number, request.CaseSubject, team], "/help", "help_request", id.ToString(CultureInfo.InvariantCulture), "", request.CaseId))];
        }

        var answered = record.As<HelpAnswered>();
        var key = answered.Status switch
        {
            HelpStatus.Approved => "Notification.HelpApproved",
            HelpStatus.Declined => "Notification.HelpDeclined",
            _ => "Notification.HelpAnswered",
        };
        return [new(NotificationRecipients.Person(answered.AskedBy),
            new NotificationDraft(Answered, key, [request.AnsweredByName ?? record.ActorName ?? "", number, request.CaseSubject], $"/cases/{number}", "help_request", id.ToString(CultureInfo.InvariantCulture), "", request.CaseId))];
    }
}
