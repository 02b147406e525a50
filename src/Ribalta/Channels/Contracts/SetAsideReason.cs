namespace Ribalta.Channels.Contracts;

/// <summary>Why a fetched mail opened no case and was set aside for an administrator to look at.</summary>
public enum SetAsideReason
{
    /// <summary>No sender address, or one that is not an address: nobody to answer.</summary>
    NoSender,

    /// <summary>A delivery failure report about no mail we know of.</summary>
    UnmatchedBounce,

    /// <summary>A spam or abuse complaint (ARF feedback report) about mail from this address.</summary>
    AbuseReport,

    /// <summary>It carries the Message-ID of a stored mail but says something else.</summary>
    ReusedMessageId,

    /// <summary>Storing it failed at every try (<c>Email:SetAsideAfterFailures</c>); the error is kept with it.</summary>
    CouldNotStore,
}
