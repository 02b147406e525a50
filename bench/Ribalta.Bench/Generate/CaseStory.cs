using System.Globalization;
using System.Text.Json;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Contracts.Events;
using Ribalta.Cases.Domain;
using Ribalta.Platform.Events;

namespace Ribalta.Bench.Generate;

/// <summary>Someone on the staff as the generator sees them: an id for assignments and authorship, and a name.</summary>
internal sealed record StaffMember(Guid Id, string Name)
{
    public Actor Actor { get; } = new(ActorKind.Staff, Id.ToString(), Name);
}

/// <summary>An event as <c>EventLog.Append</c> would record it; its id is given when it is written.</summary>
internal sealed record PlannedEvent(string Type, Actor Actor, string Payload)
{
    public static PlannedEvent Of<TEvent>(TEvent data, Actor actor)
        where TEvent : class, IEvent => new(TEvent.Type, actor, JsonSerializer.Serialize(data, EventLog.Json));
}

/// <summary>
/// What happens at one moment of a case: a message (with the subject, for the first one, since its search entry
/// covers it) and the events the handler writes in the same transaction.
/// </summary>
internal sealed record CaseStep(DateTimeOffset At, Message? Message, string? Subject, IReadOnlyList<PlannedEvent> Events);

/// <summary>
/// The whole life of one case, worked out when it opens: its conversation and the events of every change, applied
/// to the domain <see cref="Case"/> with its own rules (MoveTo, reopening, Touch), so the stored state is what the
/// handlers would have left. Opened by the customer (portal) or by staff for them, triaged (owner, priority, tags),
/// answered, followed up, noted or called, escalated to a back office, and finally left open, waiting, solved or closed.
/// </summary>
internal static class CaseStory
{
    private static readonly Channel[] Channels = [Channel.Portal, Channel.Portal, Channel.Portal, Channel.Email, Channel.Email, Channel.Email, Channel.Email, Channel.Chat, Channel.Chat, Channel.Phone, Channel.Phone, Channel.Phone, Channel.Social, Channel.Api];
    private static readonly CasePriority[] Priorities = [CasePriority.Low, CasePriority.Low, CasePriority.Low, CasePriority.Normal, CasePriority.Normal, CasePriority.Normal, CasePriority.Normal, CasePriority.Normal, CasePriority.Normal, CasePriority.Normal, CasePriority.Normal, CasePriority.Normal, CasePriority.Normal, CasePriority.Normal, CasePriority.Normal, CasePriority.High, CasePriority.High, CasePriority.High, CasePriority.High, CasePriority.Urgent];
    private static readonly CaseStatus[] Recent = [CaseStatus.Open, CaseStatus.WaitingOnCustomer, CaseStatus.WaitingOnUs, CaseStatus.Solved, CaseStatus.Closed];
    private static readonly CaseStatus[] Active = [CaseStatus.Open, CaseStatus.WaitingOnCustomer, CaseStatus.WaitingOnUs];

    public sealed record Story(Case Case, IReadOnlyList<string> Tags, IReadOnlyList<CaseStep> Steps);

    public static Story Tell(long id, int seed, DateTimeOffset opened, int messages, PlannedCustomer customer, IReadOnlyList<StaffMember> agents, IReadOnlyList<Guid> departments, DateTimeOffset asOf)
    {
        var random = new Random(seed);
        var language = ConversationTexts.For(customer.Language);
        var template = random.Next(language.Cases.Length);
        var (subject, body, firstReply) = language.Cases[template];
        var channel = Channels[random.Next(Channels.Length)];
        var agent = agents[random.Next(agents.Count)];
        var target = asOf - opened < TimeSpan.FromDays(30)
            ? Recent[random.Next(Recent.Length)]
            : random.NextDouble() switch { < 0.80 => CaseStatus.Closed, < 0.92 => CaseStatus.Solved, _ => Active[random.Next(Active.Length)] };
        var customerActor = new Actor(ActorKind.Customer, customer.Id.ToString(), customer.Name);

        // The moments, as gaps first: minutes to a day and a half between people; squeezed to fit before asOf.
        var plan = new List<(TimeSpan Gap, Func<DateTimeOffset, CaseStep> Act)>();
        var @case = new Case { CustomerId = customer.Id, Subject = subject, Channel = channel, Language = customer.Language, CreatedAt = opened, UpdatedAt = opened };
        var fromCustomer = channel == Channel.Portal;
        var order = random.Next(1_000_000, 10_000_000).ToString(CultureInfo.InvariantCulture);
        plan.Add((TimeSpan.Zero, at => new CaseStep(at, new Message
        {
            CaseId = id,
            Kind = MessageKind.Customer,
            Channel = channel,
            Language = @case.Language,
            AuthorKind = ActorKind.Customer,
            AuthorId = customer.Id.ToString(),
            AuthorName = customer.Name,
            Body = body + "\n" + string.Format(CultureInfo.InvariantCulture, language.OrderLine, order),
            CreatedAt = at,
        }, subject, [PlannedEvent.Of(new CaseOpened(subject, channel, CasePriority.Normal, @case.DepartmentId), fromCustomer ? customerActor : agent.Actor)])));

        var priority = Priorities[random.Next(Priorities.Length)];
        var tags = language.Tags[template].Take(1 + random.Next(2)).ToList();
        if (random.NextDouble() < 0.15)
        {
            tags.Add(ConversationTexts.CommonTags[random.Next(ConversationTexts.CommonTags.Length)]);
        }

        tags = CaseRules.NormalizeTags(tags).ToList();
        plan.Add((Minutes(random, 2, 90), at =>
        {
            // UpdateCaseHandler: owner, then priority and tags in one "updated" event; one Touch for the request.
            @case.AssigneeId = agent.Id;
            @case.Priority = priority;
            @case.Touch(at);
            var fields = priority == CasePriority.Normal ? new[] { "tags" } : ["priority", "tags"];
            return new CaseStep(at, null, null,
            [
                PlannedEvent.Of(new CaseAssigned(null, agent.Id, agent.Name), agent.Actor),
                PlannedEvent.Of(new CaseUpdated(fields), agent.Actor),
            ]);
        }));

        // After the opening: an answer, then rounds of the customer writing again, a note (or a call) with an
        // escalation to a back office, and another answer.
        var firstAnswer = true;
        for (var m = 1; m < messages; m++)
        {
            var last = m == messages - 1;
            switch (m == 1 ? 2 : (m - 2) % 3)
            {
                case 2:
                    var text = firstAnswer ? firstReply : language.LaterReplies[random.Next(language.LaterReplies.Length)];
                    firstAnswer = false;
                    plan.Add((Minutes(random, 5, 36 * 60), at =>
                    {
                        // ReplyAsync: first response time, status after the reply, Touch.
                        @case.FirstRespondedAt ??= at;
                        var before = @case.Status;
                        @case.MoveTo(last && target != CaseStatus.Closed ? target : last ? CaseStatus.Solved : CaseStatus.WaitingOnCustomer, at);
                        @case.Touch(at);
                        return new CaseStep(at, Staff(id, @case, agent, MessageKind.Reply, text, at), null,
                            [PlannedEvent.Of(new CaseReplied(before, @case.Status), agent.Actor)]);
                    }));
                    break;
                case 0:
                    var followUp = language.FollowUps[random.Next(language.FollowUps.Length)];
                    plan.Add((Minutes(random, 30, 48 * 60), at =>
                    {
                        // CustomerWritesAsync: the customer writing reopens a case waiting on them or solved.
                        var reopened = @case.ReopenOnCustomerMessage(at);
                        @case.Touch(at);
                        var message = new Message
                        {
                            CaseId = id,
                            Kind = MessageKind.Customer,
                            Channel = Channel.Portal,
                            Language = @case.Language,
                            AuthorKind = ActorKind.Customer,
                            AuthorId = customerActor.Id,
                            AuthorName = customerActor.Name,
                            Body = followUp,
                            CreatedAt = at,
                        };
                        return new CaseStep(at, message, null, [reopened ? PlannedEvent.Of(new CaseReopened(reopened), customerActor) : PlannedEvent.Of(new CaseCustomerWrote(reopened), customerActor)]);
                    }));
                    break;
                default:
                    var note = language.Notes[random.Next(language.Notes.Length)];
                    var seconds = random.Next(60, 900);
                    var backOffice = random.Next(departments.Count);
                    plan.Add((Minutes(random, 5, 8 * 60), at =>
                    {
                        @case.Touch(at);
                        if (channel == Channel.Phone)
                        {
                            // LogCallAsync: phone cases get a call back instead of a note.
                            var call = Staff(id, @case, agent, MessageKind.Call, note, at, CallDirection.Outbound, seconds);
                            return new CaseStep(at, call, null, [PlannedEvent.Of(new CaseCallLogged(CallDirection.Outbound, seconds), agent.Actor)]);
                        }

                        return new CaseStep(at, Staff(id, @case, agent, MessageKind.InternalNote, note, at), null, [PlannedEvent.Of(new CaseNoteAdded([]), agent.Actor)]);
                    }));
                    plan.Add((Minutes(random, 1, 30), at =>
                    {
                        // UpdateCaseHandler: escalated to a back office (status, then department), one Touch.
                        var events = new List<PlannedEvent>();
                        if (@case.Status != CaseStatus.WaitingOnUs)
                        {
                            var before = @case.Status;
                            @case.MoveTo(CaseStatus.WaitingOnUs, at);
                            events.Add(PlannedEvent.Of(new CaseStatusChanged(before, CaseStatus.WaitingOnUs), agent.Actor));
                        }

                        if (@case.DepartmentId != departments[backOffice])
                        {
                            @case.DepartmentId = departments[backOffice];
                            events.Add(PlannedEvent.Of(new CaseUpdated(["department"], @case.DepartmentId), agent.Actor));
                        }

                        if (events.Count > 0)
                        {
                            @case.Touch(at);
                        }

                        return new CaseStep(at, null, null, events);
                    }));
                    break;
            }
        }

        // Where the conversation left it is not always where the case ends: a status change gets it there,
        // through Solved when it ends closed (a case is closed only once solved).
        plan.Add((Minutes(random, 10, 24 * 60), at => ChangeStatus(@case, agent, target == CaseStatus.Closed ? CaseStatus.Solved : target, at)));
        if (target == CaseStatus.Closed)
        {
            plan.Add((Minutes(random, 24 * 60, 7 * 24 * 60), at => ChangeStatus(@case, agent, CaseStatus.Closed, at)));
        }

        var total = plan.Sum(p => p.Gap.Ticks);
        var room = (asOf - opened).Ticks - TimeSpan.TicksPerMinute;
        var scale = total > room ? Math.Max(0, room) / (double)total : 1;
        var steps = new List<CaseStep>(plan.Count);
        var time = opened;
        foreach (var (gap, act) in plan)
        {
            time = time.AddTicks((long)(gap.Ticks * scale));
            if (act(time) is { } step && (step.Message is not null || step.Events.Count > 0))
            {
                steps.Add(step);
            }
        }

        return new Story(@case, tags, steps);
    }

    private static CaseStep ChangeStatus(Case @case, StaffMember agent, CaseStatus to, DateTimeOffset at)
    {
        if (@case.Status == to)
        {
            return new CaseStep(at, null, null, []);
        }

        var before = @case.Status;
        @case.MoveTo(to, at);
        @case.Touch(at);
        return new CaseStep(at, null, null, [PlannedEvent.Of(new CaseStatusChanged(before, to), agent.Actor)]);
    }

    /// <summary>ConversationHandler.StaffMessage: staff writing on the case's channel (a call is on the phone).</summary>
    private static Message Staff(long caseId, Case @case, StaffMember staff, MessageKind kind, string body, DateTimeOffset at, CallDirection? direction = null, int? seconds = null) => new()
    {
        CaseId = caseId,
        Kind = kind,
        Channel = kind == MessageKind.Call ? Channel.Phone : @case.Channel,
        Language = @case.Language,
        AuthorKind = ActorKind.Staff,
        AuthorId = staff.Id.ToString(),
        AuthorName = staff.Name,
        Body = body,
        CreatedAt = at,
        CallDirection = direction,
        CallSeconds = seconds,
    };

    private static TimeSpan Minutes(Random random, int least, int most) =>
        TimeSpan.FromMinutes(least + ((most - least) * Math.Pow(random.NextDouble(), 2)));
}
