using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Ribalta.Empowerment.Contracts;

namespace Ribalta.Empowerment.Data;

/// <summary>One thing granted to a customer on a case: who, what, how much, why, and whether a manager reversed it.</summary>
internal sealed class Grant
{
    public long Id { get; private set; }

    /// <summary>The grants made together in one resolution share it.</summary>
    public Guid ResolutionId { get; init; }

    public long CaseId { get; init; }

    public Guid CustomerId { get; init; }

    public Guid OptionId { get; init; }

    public decimal? Amount { get; init; }

    public string? Currency { get; init; }

    public int Quantity { get; init; } = 1;

    public required string Reason { get; init; }

    public Guid GrantedBy { get; init; }

    public required string GrantedByName { get; init; }

    public DateTimeOffset GrantedAt { get; init; }

    public DateTimeOffset? ReversedAt { get; set; }

    public Guid? ReversedBy { get; set; }

    public string? ReversalReason { get; set; }

    /// <summary>Set when a helper approved it on an agent's request: granted under the helper's envelope.</summary>
    public long? HelpRequestId { get; init; }

    public Money? Money => Amount is { } amount && Currency is { } code ? Contracts.Money.Of(amount, code) : null;
}

internal sealed class GrantConfiguration : IEntityTypeConfiguration<Grant>
{
    public void Configure(EntityTypeBuilder<Grant> builder)
    {
        builder.ToTable("grants");
        builder.HasKey(g => g.Id);
        builder.Property(g => g.Amount).HasPrecision(18, 4);
        builder.Property(g => g.Currency).HasMaxLength(3);
        builder.Property(g => g.Reason).HasMaxLength(500);
        builder.Property(g => g.GrantedByName).HasMaxLength(200);
        builder.Property(g => g.ReversalReason).HasMaxLength(500);
        builder.HasIndex(g => new { g.CustomerId, g.GrantedAt });
        builder.HasIndex(g => new { g.GrantedBy, g.GrantedAt });
        builder.HasIndex(g => new { g.CaseId, g.Id });
        builder.HasIndex(g => g.GrantedAt);
        builder.HasIndex(g => g.HelpRequestId);
        builder.HasIndex(g => new { g.OptionId, g.GrantedAt });
        builder.HasOne<ResolutionOption>().WithMany().HasForeignKey(g => g.OptionId).OnDelete(DeleteBehavior.Restrict);
        builder.Ignore(g => g.Money);
    }
}

/// <summary>
/// A grant far above what the granter's team usually grants of that option (several times the team's median): shown
/// to the team lead for a conversation, never blocked. Closed when the lead notes they talked about it.
/// </summary>
internal sealed class GrantFlag
{
    public long Id { get; private set; }

    public long GrantId { get; init; }

    public long CaseId { get; init; }

    public Guid StaffId { get; init; }

    public required string StaffName { get; init; }

    public Guid? TeamId { get; init; }

    public Guid OptionId { get; init; }

    public decimal Amount { get; init; }

    public required string Currency { get; init; }

    /// <summary>The team's median grant of this option and currency over the 90 days before.</summary>
    public decimal TeamMedian { get; init; }

    /// <summary>How many team grants the median was taken from.</summary>
    public int TeamSample { get; init; }

    public DateTimeOffset FlaggedAt { get; init; }

    public DateTimeOffset? DiscussedAt { get; set; }

    public string? DiscussedByName { get; set; }

    public string? Note { get; set; }

    public int Version { get; set; }
}

internal sealed class GrantFlagConfiguration : IEntityTypeConfiguration<GrantFlag>
{
    public void Configure(EntityTypeBuilder<GrantFlag> builder)
    {
        builder.ToTable("grant_flags");
        builder.HasKey(f => f.Id);
        builder.Property(f => f.StaffName).HasMaxLength(200);
        builder.Property(f => f.DiscussedByName).HasMaxLength(200);
        builder.Property(f => f.Note).HasMaxLength(500);
        builder.Property(f => f.Currency).HasMaxLength(3);
        builder.Property(f => f.Amount).HasPrecision(18, 4);
        builder.Property(f => f.TeamMedian).HasPrecision(18, 4);
        builder.Property(f => f.Version).IsConcurrencyToken();
        builder.HasIndex(f => new { f.TeamId, f.DiscussedAt, f.Id });
        builder.HasIndex(f => f.GrantId).IsUnique();
        builder.HasOne<Grant>().WithMany().HasForeignKey(f => f.GrantId).OnDelete(DeleteBehavior.Cascade);
    }
}
