using Ribalta.Empowerment.Contracts;
using Ribalta.Empowerment.Resolve;

namespace Ribalta.Empowerment.Help;

public enum HelpDecision
{
    Approve,
    Decline,
    Answer,
}

/// <summary>Ask one person (<c>HelperId</c>) or one department (<c>DepartmentId</c>); a decision may carry the proposed lines.</summary>
public sealed record HelpRequestInput(HelpReason? Reason, string? Question, Guid? HelperId = null, Guid? DepartmentId = null, IReadOnlyList<ResolutionLineInput>? Proposal = null);

/// <summary>Approve (granting <c>Lines</c>, or else the proposal), decline, or answer a question; always in words.</summary>
public sealed record HelpAnswerInput(HelpDecision? Decision, string? Answer, IReadOnlyList<ResolutionLineInput>? Lines = null);

public sealed record ProposedLineDto(Guid OptionId, string Option, MoneyDto? Amount, int Quantity);

public sealed record HelpRequestDto(
    long Id, long CaseId, string CaseSubject, HelpReason Reason, string Question, IReadOnlyList<ProposedLineDto> Proposal, decimal? Reach,
    Guid AskedBy, string AskedByName, DateTimeOffset AskedAt, DateTimeOffset DueAt, bool Overdue,
    Guid? HelperId, string? HelperName, Guid? DepartmentId, string? DepartmentName,
    HelpStatus Status, string? Answer, string? AnsweredByName, DateTimeOffset? AnsweredAt, Guid? ResolutionId);

public sealed record HelperDto(Guid Id, string Name, IReadOnlyList<string> Roles, string? Department, bool SameTeam);

public sealed record HelpDepartmentDto(Guid Id, string Name);

/// <summary>Whom an agent can ask: people (leads and managers of their own team first) and departments.</summary>
public sealed record HelpersDto(IReadOnlyList<HelperDto> People, IReadOnlyList<HelpDepartmentDto> Departments);

public sealed record HelpQueueCount(int Open, int Overdue);

public sealed record HelpReasonRow(HelpReason Reason, int Asked, int Open, int Approved, int Declined, int Answered, int Withdrawn);

/// <summary>One helper: answers given, the median time to answer, the share within the response target, what waits now.</summary>
public sealed record HelperRow(Guid HelperId, string Name, int Answered, double? MedianMinutes, double? WithinTargetShare, int OpenNow, int OverdueNow);

/// <summary>Decisions asked per option: how many were approved, and how many of those a reasonable envelope would have covered.</summary>
public sealed record HelpOptionRow(Guid OptionId, string Option, int Asked, int Approved, int WithinReasonable);

public sealed record HelpReportDto(
    IReadOnlyList<HelpReasonRow> ByReason, IReadOnlyList<HelperRow> ByHelper, IReadOnlyList<HelpOptionRow> ByOption,
    int DecisionsApproved, int WithinReasonable, decimal ReasonableReach);
