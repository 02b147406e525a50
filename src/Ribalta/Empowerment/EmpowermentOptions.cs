namespace Ribalta.Empowerment;

internal sealed class EmpowermentOptions
{
    public const string Section = "Empowerment";

    /// <summary>
    /// The time zone (IANA) in which a monthly budget's month, a promise's day and today's kindness begin and end.
    /// Left out, the organisation's (<c>Organisation:TimeZone</c>); set, it overrides that for this module.
    /// </summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>Minutes a helper has to answer a decision (above the envelope, outside the catalogue): a customer may be waiting.</summary>
    public int HelpDecisionMinutes { get; init; } = 60;

    /// <summary>Minutes a helper has to answer a question.</summary>
    public int HelpQuestionMinutes { get; init; } = 240;

    /// <summary>
    /// An approved request that asked for at most this many times what the agent could grant alone "could have been
    /// inside a reasonable envelope" (the help report counts them).
    /// </summary>
    public decimal ReasonableReach { get; init; } = 1.5m;

    /// <summary>How many hours ahead a promise shows in its owner's inbox as due soon.</summary>
    public int PromiseDueSoonHours { get; init; } = 24;

    /// <summary>How often (seconds) the clock is checked for promises that fell due.</summary>
    public int PromiseCheckSeconds { get; init; } = 30;

    /// <summary>A grant at least this many times its team's median (same option and currency) is flagged to the team lead.</summary>
    public decimal NormFactor { get; init; } = 3m;

    /// <summary>How many team grants (over 90 days) a median needs before it counts as the team's norm.</summary>
    public int NormMinSample { get; init; } = 10;
}
