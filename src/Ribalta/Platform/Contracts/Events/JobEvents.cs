using Ribalta.Platform.Events;

namespace Ribalta.Platform.Contracts.Events;

// Background jobs. Subject: the job, by its name.

/// <summary>An administrator asked a job to run now (the job's runs themselves are recorded on its row, not as events).</summary>
public sealed record JobRunRequested : IEvent
{
    public static string Type => "job.run_requested";
}
