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
