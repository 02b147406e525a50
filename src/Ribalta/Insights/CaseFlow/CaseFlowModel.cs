using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Ribalta.Cases.Contracts;

namespace Ribalta.Insights.CaseFlow;

/// <summary>One case as the case-flow projection follows it: enough to place its answer and its solving in a day, team and channel.</summary>
internal sealed class CaseFlowCase
{
    public long CaseId { get; init; }

    public DateTimeOffset OpenedAt { get; init; }

    public Channel Channel { get; init; }

    /// <summary>The team (department) the case is with now; null: none.</summary>
    public Guid? DepartmentId { get; set; }

    public DateTimeOffset? FirstAnsweredAt { get; set; }

    /// <summary>When it was first solved (or closed without being solved); merges are not solving.</summary>
    public DateTimeOffset? SolvedAt { get; set; }

    /// <summary>The last event applied to it: an event at or before this id is not applied twice.</summary>
    public long LastEventId { get; set; }
}

/// <summary>
/// A day's flow for one team and channel: cases opened, first answers and first resolutions (with their summed
/// times, from opening, in seconds) and reopenings. A team with no department is <see cref="Guid.Empty"/>.
/// </summary>
internal sealed class CaseFlowDay
{
    public DateOnly Day { get; init; }

    public Guid TeamId { get; init; }

    public Channel Channel { get; init; }

    public int Opened { get; set; }

    public int Answered { get; set; }

    public long AnswerSeconds { get; set; }

    public int Solved { get; set; }

    public long ResolutionSeconds { get; set; }

    public int Reopened { get; set; }
}

/// <summary>The organisation's time zone as the log last set it: days are counted in it.</summary>
internal sealed class CaseFlowZone
{
    public const int SingleId = 1;

    public int Id { get; init; } = SingleId;

    public required string TimeZone { get; set; }
}

internal sealed class CaseFlowConfiguration :
    IEntityTypeConfiguration<CaseFlowCase>, IEntityTypeConfiguration<CaseFlowDay>, IEntityTypeConfiguration<CaseFlowZone>
{
    public void Configure(EntityTypeBuilder<CaseFlowCase> builder)
    {
        builder.ToTable("insight_case_flow_cases");
        builder.HasKey(c => c.CaseId);
        builder.Property(c => c.CaseId).ValueGeneratedNever();
        builder.Property(c => c.Channel).HasConversion<string>().HasMaxLength(10);
    }

    public void Configure(EntityTypeBuilder<CaseFlowDay> builder)
    {
        builder.ToTable("insight_case_flow_days");
        builder.HasKey(d => new { d.Day, d.TeamId, d.Channel });
        builder.Property(d => d.Channel).HasConversion<string>().HasMaxLength(10);
    }

    public void Configure(EntityTypeBuilder<CaseFlowZone> builder)
    {
        builder.ToTable("insight_case_flow_zone");
        builder.HasKey(z => z.Id);
        builder.Property(z => z.Id).ValueGeneratedNever();
        builder.Property(z => z.TimeZone).HasMaxLength(100);
    }
}
