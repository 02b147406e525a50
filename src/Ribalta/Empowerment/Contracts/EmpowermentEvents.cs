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
}
