namespace Ribalta.Empowerment.Contracts;

public static class EmpowermentEvents
{
    public const string OptionCreated = "resolution_option.created";
    public const string OptionChanged = "resolution_option.changed";
    public const string RuleSaved = "envelope_rule.saved";
    public const string RuleRemoved = "envelope_rule.removed";

    /// <summary>A resolution granted on a case (its subject), within the envelope.</summary>
    public const string Granted = "case.resolution_granted";

    /// <summary>A manager took a grant back, with a reason.</summary>
    public const string Reversed = "case.grant_reversed";

    /// <summary>
    /// A grant (its subject) far above the team's norm, flagged to the team lead for a conversation: between the lead
    /// and the agent, so not on the customer's timeline nor among the case's events.
    /// </summary>
    public const string GrantFlagged = "grant.flagged";

    /// <summary>The lead noted the conversation about a flagged grant.</summary>
    public const string FlagDiscussed = "grant.flag_discussed";

    /// <summary>An agent asked a colleague or a department for help on the case.</summary>
    public const string HelpAsked = "case.help_asked";

    /// <summary>Someone in the department asked took the request and joined the case.</summary>
    public const string HelpTaken = "case.help_taken";

    /// <summary>The helper answered: approved (granted), declined, or answered a question.</summary>
    public const string HelpAnswered = "case.help_answered";

    /// <summary>The agent no longer needs the help.</summary>
    public const string HelpWithdrawn = "case.help_withdrawn";
}

/// <summary>The promise ledger's events; each has the case as its subject.</summary>
public static class PromiseEvents
{
    public const string Made = "case.promise_made";
    public const string Kept = "case.promise_kept";

    /// <summary>A breakdown: the due time passed and the promise was not kept; the customer was told.</summary>
    public const string Broken = "case.promise_broken";

    public const string Released = "case.promise_released";
}

/// <summary>Planned kindness: gestures (subject: the customer) and important moments.</summary>
public static class KindnessEvents
{
    public const string Planned = "customer.gesture_planned";

    /// <summary>A gesture done: on the customer's timeline and in the team's recognition feed.</summary>
    public const string Done = "customer.gesture_done";

    public const string Cancelled = "customer.gesture_cancelled";
    public const string MomentNoted = "customer.moment_noted";
    public const string MomentForgotten = "customer.moment_forgotten";
    public const string BudgetSet = "kindness.budget_set";
}
