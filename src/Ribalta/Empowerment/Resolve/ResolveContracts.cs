using System.Globalization;
using Ribalta.Empowerment.Contracts;
using Ribalta.Empowerment.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;

namespace Ribalta.Empowerment.Resolve;

/// <summary>One option in a resolution: an amount for money options, a quantity of days or items.</summary>
public sealed record ResolutionLineInput(Guid? OptionId, MoneyDto? Amount = null, int? Quantity = null);

public sealed record ResolutionRequest(IReadOnlyList<ResolutionLineInput>? Lines, string? Reason);

public sealed record GrantDto(long Id, Guid OptionId, string Option, MoneyDto? Amount, int Quantity, string Reason, Guid GrantedBy, string GrantedByName, DateTimeOffset GrantedAt, DateTimeOffset? ReversedAt, string? ReversalReason = null, long? HelpRequestId = null)
{
    /// <summary>A grant as people read it: the option named in their language.</summary>
    internal static GrantDto From(Grant g, ResolutionOption option) => new(
        g.Id, g.OptionId, option.NameIn(CultureInfo.CurrentUICulture.TwoLetterISOLanguageName), g.Money is { } m ? MoneyDto.From(m) : null, g.Quantity, g.Reason,
        g.GrantedBy, g.GrantedByName, g.GrantedAt, g.ReversedAt, g.ReversalReason, g.HelpRequestId);
}

public sealed record GrantExportRow(
    long Id, DateTimeOffset GrantedAt, long CaseId, Guid CustomerId, string Option, string Kind, decimal? Amount, string? Currency, int Quantity,
    string GrantedBy, Guid GrantedById, string Reason, DateTimeOffset? ReversedAt, string? ReversalReason);

public sealed record ReverseRequest(string? Reason);

/// <summary>One option in one team: grants, times a limit stopped an agent (by limit), and the share of attempts that did.</summary>
public sealed record EnvelopeUsageRow(
    Guid OptionId, string Option, Guid? DepartmentId, string? Department, int Granted, int LimitReached, IReadOnlyDictionary<string, int> ByLimit, double ReachedShare);

/// <summary>
/// An approval on a help request: the agent who asked (and speaks to the customer), the request, and what marks it
/// answered inside the grant's transaction (an error stops the grant).
/// </summary>
internal sealed record Approval(Actor SpeaksAs, long HelpRequestId, Func<Guid, Task<Error?>> InTransaction);

public sealed record ResolutionDto(Guid ResolutionId, long CaseId, long MessageId, IReadOnlyList<GrantDto> Grants);

/// <summary>An option as the Resolve panel shows it: what is left of it for this agent and this customer.</summary>
public sealed record ResolveOptionDto(Guid OptionId, string Name, ResolutionKind Kind, OptionMeasure Measure, IReadOnlyList<HeadroomDto> Currencies, int? MaxQuantity, int? GrantsLeft);

public sealed record HeadroomDto(string Currency, MoneyDto? MostNow, MoneyDto? PerGrant, MoneyDto? CustomerLeft, MoneyDto? BudgetLeft);
