using Ribalta.Platform.Events;

namespace Ribalta.Empowerment.Contracts.Events;

// Resolutions, their catalogue and the envelopes that bound them.

public sealed record ResolutionOptionCreated(ResolutionKind Kind, string Name, bool Active) : IEvent
{
    public static string Type => "resolution_option.created";
}

public sealed record ResolutionOptionChanged(ResolutionKind Kind, string Name, bool Active) : IEvent
{
    public static string Type => "resolution_option.changed";
}

/// <summary>An envelope rule saved for a role; the limits read "amount currency, …".</summary>
public sealed record EnvelopeRuleSaved(string Option, string Role, string PerGrant, string PerCustomer, string Budget) : IEvent
{
    public static string Type => "envelope_rule.saved";
}

public sealed record EnvelopeRuleRemoved(string Role) : IEvent
{
    public static string Type => "envelope_rule.removed";
}

/// <summary>
/// A resolution granted on a case (its subject), within the envelope; when a helper approved it, the help request and
/// whom they spoke for.
/// </summary>
public sealed record ResolutionGranted(Guid ResolutionId, string Reason, long? HelpRequestId, string? OnBehalfOf, IReadOnlyList<GrantedLine> Grants) : IEvent
{
    public static string Type => "case.resolution_granted";
}

/// <summary>One line of a resolution: the option's English name, its kind, the amount ("12.50 EUR") when it has one.</summary>
public sealed record GrantedLine(string Option, ResolutionKind Kind, string? Amount, int Quantity);

/// <summary>A manager took a grant back, with a reason.</summary>
public sealed record GrantReversed(long GrantId, string? Amount, int Quantity, string GrantedBy, string Reason) : IEvent
{
    public static string Type => "case.grant_reversed";
}

/// <summary>
/// A grant (its subject) far above the team's norm, flagged to the team lead for a conversation: between the lead
/// and the agent, so not on the customer's timeline nor among the case's events.
/// </summary>
public sealed record GrantFlagged(long GrantId, string Amount, decimal TeamMedian, int Sample, long CaseId) : IEvent
{
    public static string Type => "grant.flagged";
}

/// <summary>The lead noted the conversation about a flagged grant.</summary>
public sealed record GrantFlagDiscussed(long FlagId, long CaseId) : IEvent
{
    public static string Type => "grant.flag_discussed";
}
