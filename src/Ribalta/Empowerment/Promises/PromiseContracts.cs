using Ribalta.Empowerment.Contracts;

namespace Ribalta.Empowerment.Promises;

public enum PromiseStatus
{
    Open,
    Kept,
    Broken,

    /// <summary>No longer owed (the customer changed their mind); counts neither kept nor broken.</summary>
    Released,
}

/// <summary>
/// A promise: what kind, the words used, when it is due (with its offset), optionally the reply it was made in, its
/// owner (the maker unless said) and the department whose work keeps it.
/// </summary>
public sealed record PromiseInput(PromiseKind? Kind, string? Words, DateTimeOffset? DueAt, long? MessageId = null, Guid? OwnerId = null, Guid? DepartmentId = null);

public sealed record ReleaseInput(string? Reason);

/// <summary>Besides the owner and the maker: a team lead acts on their team's promises, managers and admins on anyone's.</summary>
public enum PromiseAuthority
{
    Own,
    LeadsTeam,
    EveryTeam,
}

public sealed record PromiseDto(
    long Id, long CaseId, string CaseSubject, PromiseKind Kind, string Words, long? MessageId, Guid OwnerId, string OwnerName, Guid? DepartmentId,
    DateTimeOffset MadeAt, DateTimeOffset DueAt, PromiseStatus Status, DateTimeOffset? KeptAt, string? KeptByName, DateTimeOffset? BrokenAt,
    DateTimeOffset? CustomerToldAt, string? ReleaseReason)
{
    public bool KeptLate => KeptAt is { } kept && kept > DueAt;
}

/// <summary>A sentence of a recent reply, offered to be marked as a promise in one action.</summary>
public sealed record PromiseSentence(long MessageId, string Text, DateTimeOffset At);

/// <summary>One agent, team, department or kind: promises due in the period, kept on time, kept late, broken; the keeping rate (kept on time ÷ due).</summary>
public sealed record PromiseRateRow(string Key, string Name, int Due, int KeptOnTime, int KeptLate, int Broken, double? Rate);

public sealed record PromiseWeek(DateOnly Week, int Due, int KeptOnTime, double? Rate);

public sealed record PromiseReportDto(string By, IReadOnlyList<PromiseRateRow> Rows, IReadOnlyList<PromiseWeek> Weeks, int Due, int KeptOnTime, double? Rate);
