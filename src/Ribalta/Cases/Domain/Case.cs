using Ribalta.Cases.Contracts;

namespace Ribalta.Cases.Domain;

/// <summary>
/// One customer's matter and its conversation. The id doubles as the case number people quote
/// ("case 1042"); guessing one gets nothing, since every read checks who is asking.
/// </summary>
internal sealed class Case
{
    public long Id { get; private set; }

    public Guid CustomerId { get; init; }

    public required string Subject { get; set; }

    public CaseStatus Status { get; private set; } = CaseStatus.New;

    public CasePriority Priority { get; set; } = CasePriority.Normal;

    public Channel Channel { get; init; }

    public string? Language { get; set; }

    public Guid? AssigneeId { get; set; }

    public Guid? DepartmentId { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? FirstRespondedAt { get; set; }

    public DateTimeOffset? SolvedAt { get; private set; }

    public int Version { get; set; } = 1;

    /// <summary>Set when this case was merged into another of the same customer; it is then closed and only points there.</summary>
    public long? MergedIntoId { get; set; }

    public List<CaseTag> Tags { get; init; } = [];

    /// <summary>Working minutes allowed until the first answer, when a target applies.</summary>
    public int? FirstResponseTargetMinutes { get; private set; }

    /// <summary>Working minutes allowed until the case is solved, counted only while it waits on us.</summary>
    public int? ResolutionTargetMinutes { get; private set; }

    public DateTimeOffset? FirstResponseDueAt { get; private set; }

    /// <summary>When the resolution target falls due; empty while the clock is paused (waiting on the customer, solved).</summary>
    public DateTimeOffset? ResolutionDueAt { get; private set; }

    /// <summary>When the running resolution clock last started; empty while paused.</summary>
    public DateTimeOffset? ResolutionClockFrom { get; private set; }

    /// <summary>Working seconds the resolution clock ran before it last paused.</summary>
    public long ResolutionUsedSeconds { get; private set; }

    public DateTimeOffset? FirstResponseBreachedAt { get; private set; }

    public DateTimeOffset? ResolutionBreachedAt { get; private set; }

    /// <summary>The earliest target still ahead of (or past for) us: what the overdue view sorts by.</summary>
    public DateTimeOffset? NextDueAt { get; private set; }

    /// <summary>The earliest target whose breach is not yet recorded: what the breach monitor looks for.</summary>
    public DateTimeOffset? BreachCheckAt { get; private set; }

    /// <summary>The targets run while the customer is waiting for us, and stop while we wait for them or are done.</summary>
    public bool TargetClockRuns => Status is CaseStatus.New or CaseStatus.Open or CaseStatus.WaitingOnUs;

    public bool FirstResponsePending => FirstRespondedAt is null && TargetClockRuns;

    public void SetTargets(int? firstResponseMinutes, int? resolutionMinutes)
    {
        FirstResponseTargetMinutes = firstResponseMinutes;
        ResolutionTargetMinutes = resolutionMinutes;
    }

    /// <summary>
    /// Records the targets missed by <paramref name="now"/>, judged by the due times as they stood before the change
    /// being made; a first answer that came late counts as a breach at its due time.
    /// </summary>
    public IReadOnlyList<(string Target, DateTimeOffset DueAt)> RecordBreaches(DateTimeOffset now)
    {
        var breaches = new List<(string, DateTimeOffset)>();
        if (FirstResponseBreachedAt is null && FirstResponseDueAt is { } first && first <= now && first < (FirstRespondedAt ?? DateTimeOffset.MaxValue))
        {
            FirstResponseBreachedAt = first;
            breaches.Add(("first_response", first));
        }

        if (ResolutionBreachedAt is null && ResolutionDueAt is { } resolution && resolution <= now)
        {
            ResolutionBreachedAt = resolution;
            breaches.Add(("resolution", resolution));
        }

        BreachCheckAt = NextBreachCheck();
        return breaches;
    }

    /// <summary>Starts, pauses or resumes the resolution clock for the current status and recomputes the due times.</summary>
    public void SyncTargets(Targets.ServiceCalendar calendar, DateTimeOffset now)
    {
        var runs = TargetClockRuns && ResolutionTargetMinutes is not null;
        if (ResolutionClockFrom is { } from && !runs)
        {
            ResolutionUsedSeconds += calendar.SecondsBetween(from, now);
            ResolutionClockFrom = null;
        }
        else if (ResolutionClockFrom is null && runs)
        {
            ResolutionClockFrom = now;
        }

        FirstResponseDueAt = FirstResponseTargetMinutes is { } f ? calendar.Add(CreatedAt, f * 60L) : null;
        ResolutionDueAt = ResolutionClockFrom is { } start && ResolutionTargetMinutes is { } r ? calendar.Add(start, Math.Max(0, (r * 60L) - ResolutionUsedSeconds)) : null;
        NextDueAt = Earliest(FirstResponsePending ? FirstResponseDueAt : null, ResolutionDueAt);
        BreachCheckAt = NextBreachCheck();
    }

    /// <summary>Working seconds of the resolution target left while the clock is paused.</summary>
    public long? ResolutionSecondsLeftWhilePaused =>
        ResolutionClockFrom is null && ResolutionTargetMinutes is { } r && Status is not CaseStatus.Closed ? (r * 60L) - ResolutionUsedSeconds : null;

    private DateTimeOffset? NextBreachCheck() => Earliest(
        FirstResponsePending && FirstResponseBreachedAt is null ? FirstResponseDueAt : null,
        ResolutionBreachedAt is null ? ResolutionDueAt : null);

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a < b ? a : b;

    /// <summary>Whether staff may move the case from its status to <paramref name="to"/>. Closed is final; New is only a start.</summary>
    public bool CanMoveTo(CaseStatus to) => Status != CaseStatus.Closed && to != CaseStatus.New && (to != CaseStatus.Closed || Status == CaseStatus.Solved);

    public void MoveTo(CaseStatus to, DateTimeOffset now)
    {
        if (!CanMoveTo(to) && to != Status)
        {
            throw new InvalidOperationException($"Case {Id} cannot move from {Status} to {to}");
        }

        Status = to;
        SolvedAt = to is CaseStatus.Solved or CaseStatus.Closed ? SolvedAt ?? now : null;
    }

    /// <summary>A customer writing again reopens a case that was waiting on them or solved.</summary>
    public bool ReopenOnCustomerMessage(DateTimeOffset now)
    {
        if (Status is CaseStatus.WaitingOnCustomer or CaseStatus.Solved)
        {
            MoveTo(CaseStatus.Open, now);
            return true;
        }

        return false;
    }

    public void Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
        Version++;
    }
}

/// <summary>Two cases that concern the same matter, stored once with the smaller id first.</summary>
internal sealed class CaseLink
{
    public long CaseId { get; init; }

    public long OtherCaseId { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public static (long, long) Order(long a, long b) => a < b ? (a, b) : (b, a);
}

internal sealed class CaseTag
{
    public long CaseId { get; init; }

    public required string Tag { get; init; }
}

/// <summary>One entry in a case's conversation.</summary>
internal sealed class Message
{
    public long Id { get; private set; }

    public long CaseId { get; init; }

    public MessageKind Kind { get; init; }

    public Channel Channel { get; init; }

    public string? Language { get; init; }

    public Platform.Events.ActorKind AuthorKind { get; init; }

    public string? AuthorId { get; init; }

    public required string AuthorName { get; init; }

    public required string Body { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public CallDirection? CallDirection { get; init; }

    public int? CallSeconds { get; init; }
}
