using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Ribalta.Empowerment.Contracts;
using Ribalta.Empowerment.Kindness;

namespace Ribalta.Empowerment.Data;

/// <summary>
/// A planned gesture of goodwill for a customer (a handwritten note, flowers, a call on a hard day), optionally on a
/// case, optionally with a cost taken from the planner's team budget for the month it is planned for. Done, it shows
/// on the customer's timeline and in the team's recognition feed.
/// </summary>
internal sealed class Gesture
{
    public const int TextMax = 500;

    public long Id { get; private set; }

    public Guid CustomerId { get; init; }

    public long? CaseId { get; init; }

    public GestureKind Kind { get; init; }

    public required string Description { get; init; }

    public DateOnly PlannedFor { get; init; }

    public decimal? Cost { get; init; }

    public string? Currency { get; init; }

    public Guid PlannedBy { get; init; }

    public required string PlannedByName { get; init; }

    /// <summary>The planner's team, whose budget pays and whose feed shows it.</summary>
    public Guid? TeamId { get; init; }

    public DateTimeOffset PlannedAt { get; init; }

    public GestureStatus Status { get; set; }

    public DateTimeOffset? DoneAt { get; set; }

    public string? DoneByName { get; set; }

    /// <summary>What happened, in a line ("she called back in tears, happy ones").</summary>
    public string? Note { get; set; }

    public int Version { get; set; }
}

/// <summary>What a team may spend on gestures each calendar month, per currency.</summary>
internal sealed class KindnessBudget
{
    public Guid DepartmentId { get; init; }

    public required string Currency { get; init; }

    public decimal Monthly { get; set; }
}

/// <summary>
/// Something important in a customer's life that staff noted (a wedding, a surgery, a shop's anniversary), to be
/// remembered: it shows to the team some days before it comes round (every year when it recurs).
/// </summary>
internal sealed class ImportantMoment
{
    public long Id { get; private set; }

    public Guid CustomerId { get; init; }

    public required string Title { get; init; }

    public DateOnly Date { get; init; }

    public bool Yearly { get; init; }

    public int RemindDaysBefore { get; init; }

    public Guid NotedBy { get; init; }

    public required string NotedByName { get; init; }

    public Guid? TeamId { get; init; }

    public DateTimeOffset NotedAt { get; init; }
}

internal sealed class KindnessConfiguration : IEntityTypeConfiguration<Gesture>, IEntityTypeConfiguration<KindnessBudget>, IEntityTypeConfiguration<ImportantMoment>
{
    public void Configure(EntityTypeBuilder<Gesture> builder)
    {
        builder.ToTable("gestures");
        builder.HasKey(g => g.Id);
        builder.Property(g => g.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(g => g.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(g => g.Description).HasMaxLength(Gesture.TextMax);
        builder.Property(g => g.Note).HasMaxLength(Gesture.TextMax);
        builder.Property(g => g.PlannedByName).HasMaxLength(200);
        builder.Property(g => g.DoneByName).HasMaxLength(200);
        builder.Property(g => g.Currency).HasMaxLength(3);
        builder.Property(g => g.Cost).HasPrecision(18, 4);
        builder.Property(g => g.Version).IsConcurrencyToken();
        builder.HasIndex(g => new { g.CustomerId, g.Id });
        builder.HasIndex(g => new { g.TeamId, g.Status, g.PlannedFor });
        builder.HasIndex(g => new { g.TeamId, g.DoneAt });
    }

    public void Configure(EntityTypeBuilder<KindnessBudget> builder)
    {
        builder.ToTable("kindness_budgets");
        builder.HasKey(b => new { b.DepartmentId, b.Currency });
        builder.Property(b => b.Currency).HasMaxLength(3);
        builder.Property(b => b.Monthly).HasPrecision(18, 4);
        builder.HasOne<Platform.Identity.Department>().WithMany().HasForeignKey(b => b.DepartmentId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<ImportantMoment> builder)
    {
        builder.ToTable("important_moments");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Title).HasMaxLength(200);
        builder.Property(m => m.NotedByName).HasMaxLength(200);
        builder.HasIndex(m => new { m.CustomerId, m.Id });
        builder.HasIndex(m => m.TeamId);
    }
}
