// Contracts because the help events carry them.
namespace Ribalta.Empowerment.Contracts;

public enum HelpReason
{
    /// <summary>A resolution the agent's envelope does not cover.</summary>
    AboveEnvelope,

    /// <summary>Something the catalogue does not offer: the agent proposes it in words.</summary>
    NotInCatalogue,

    /// <summary>A question for someone who knows.</summary>
    Question,
}

public enum HelpStatus
{
    Open,
    Approved,
    Declined,
    Answered,
    Withdrawn,
}
