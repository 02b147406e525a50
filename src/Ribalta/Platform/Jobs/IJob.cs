using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Ribalta.Platform.Jobs;

/// <summary>
/// Work that runs on a schedule in the background (retention, deadlines, checks). The <see cref="JobRunner"/> runs
/// it every <see cref="Interval"/> on one node at a time, under a lease in the database, and records each run.
/// </summary>
public interface IJob
{
    /// <summary>Stable, lower case, dotted: <c>promises.break_due</c>. The key of its row in <c>job_runs</c>.</summary>
    string Name { get; }

    TimeSpan Interval { get; }

    /// <summary>One run: does what is due now, in bounded batches, and returns. An exception is recorded as the run's failure.</summary>
    Task RunAsync(CancellationToken ct);
}

/// <summary>One job's schedule, lease and latest results: a row per job, shared by every node.</summary>
public sealed class JobRun
{
    public const int NameMax = 100;

    public required string Name { get; init; }

    /// <summary>When the job should run next (set to now by "run now").</summary>
    public DateTimeOffset NextRunAt { get; set; }

    /// <summary>The node running it now, or null; the lease expires at <see cref="LeasedUntil"/> unless renewed.</summary>
    public string? Holder { get; set; }

    public DateTimeOffset? LeasedUntil { get; set; }

    public DateTimeOffset? LastStartedAt { get; set; }

    public DateTimeOffset? LastFinishedAt { get; set; }

    public DateTimeOffset? LastSucceededAt { get; set; }

    /// <summary>The last failure's message, cleared by the next success.</summary>
    public string? LastError { get; set; }

    public int Runs { get; set; }

    public int Failures { get; set; }

    /// <summary>Failures since the last success: a job that keeps failing shows it.</summary>
    public int FailuresInARow { get; set; }
}

internal sealed class JobRunConfiguration : IEntityTypeConfiguration<JobRun>
{
    public const int ErrorMax = 500;

    public void Configure(EntityTypeBuilder<JobRun> builder)
    {
        builder.ToTable("job_runs");
        builder.HasKey(j => j.Name);
        builder.Property(j => j.Name).HasMaxLength(JobRun.NameMax);
        builder.Property(j => j.Holder).HasMaxLength(200);
        builder.Property(j => j.LastError).HasMaxLength(ErrorMax);
    }
}
