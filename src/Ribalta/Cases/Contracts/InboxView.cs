// A contract because SavedFilterSaved carries it.
namespace Ribalta.Cases.Contracts;

public enum InboxView
{
    /// <summary>Assigned to me and not yet solved.</summary>
    Mine,

    /// <summary>My department's cases not yet solved.</summary>
    Team,

    /// <summary>Cases where someone @mentioned me in a note, the latest mention first.</summary>
    Mentions,

    /// <summary>Nobody owns it yet.</summary>
    Unassigned,

    /// <summary>The customer is waiting for us: new, open, or waiting on us.</summary>
    WaitingOnUs,

    /// <summary>Everything not solved or closed.</summary>
    Open,

    /// <summary>Past a first-answer or resolution target and still on us, the most overdue first.</summary>
    Overdue,

    /// <summary>Solved or closed.</summary>
    Done,

    All,
}
