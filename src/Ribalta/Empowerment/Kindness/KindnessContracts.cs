using Ribalta.Empowerment.Contracts;

namespace Ribalta.Empowerment.Kindness;

public enum GestureStatus
{
    Planned,
    Done,
    Cancelled,
}

public sealed record GestureInput(GestureKind? Kind, string? Description, DateOnly? PlannedFor, MoneyDto? Cost = null, long? CaseId = null);

public sealed record GestureDoneInput(string? Note);

public sealed record GestureDto(
    long Id, Guid CustomerId, string CustomerName, long? CaseId, GestureKind Kind, string Description, DateOnly PlannedFor, MoneyDto? Cost,
    string PlannedByName, Guid? TeamId, string? Team, GestureStatus Status, DateTimeOffset? DoneAt, string? DoneByName, string? Note);

public sealed record BudgetInput(IReadOnlyList<MoneyDto>? Monthly);

/// <summary>A team's kindness budget this month, per currency: what it may spend, what planned and done gestures take.</summary>
public sealed record BudgetDto(Guid DepartmentId, string Department, IReadOnlyList<BudgetLine> Lines);

public sealed record BudgetLine(MoneyDto Monthly, MoneyDto Spent, MoneyDto Left);

public sealed record MomentInput(string? Title, DateOnly? Date, bool Yearly = false, int? RemindDaysBefore = null);

/// <summary>A customer's moment; <c>Next</c> is when it comes round next (null when it has passed and does not recur).</summary>
public sealed record MomentDto(long Id, Guid CustomerId, string CustomerName, string Title, DateOnly Date, bool Yearly, int RemindDaysBefore, string NotedByName, DateOnly? Next);
