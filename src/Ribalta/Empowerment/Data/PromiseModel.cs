using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Ribalta.Empowerment.Contracts;
using Ribalta.Empowerment.Promises;

namespace Ribalta.Empowerment.Data;

/// <summary>
/// A commitment made to a customer ("we will call you back on Friday"): the words used, who owns it, when it is due.
/// It is kept, or at its due time it is broken: a breakdown on the case, and the customer is told without having to
/// chase. Kept after the due time, it stays broken and is also marked kept (late).
/// </summary>
internal sealed class CustomerPromise
{
    public const int WordsMax = 500;

    public long Id { get; private set; }

    public long CaseId { get; init; }

    public Guid CustomerId { get; init; }

    /// <summary>The case's subject when promised, for the owner's inbox.</summary>
    public required string CaseSubject { get; init; }

    public PromiseKind Kind { get; init; }

    /// <summary>The words used with the customer, in their language.</summary>
    public required string Words { get; init; }

    /// <summary>The reply the words come from, when marked in one.</summary>
    public long? MessageId { get; init; }

    public Guid OwnerId { get; init; }

    public required string OwnerName { get; init; }

    /// <summary>The owner's team when promised.</summary>
    public Guid? TeamId { get; init; }

    /// <summary>The department whose work keeps it (the owner's team unless another department must deliver).</summary>
    public Guid? DepartmentId { get; init; }

    public Guid MadeBy { get; init; }

    public DateTimeOffset MadeAt { get; init; }

    public DateTimeOffset DueAt { get; init; }

    public PromiseStatus Status { get; set; }

    public DateTimeOffset? KeptAt { get; set; }

    public string? KeptByName { get; set; }

    public DateTimeOffset? BrokenAt { get; set; }

    /// <summary>When the customer was told it was broken (null when they could not be: a closed case).</summary>
    public DateTimeOffset? CustomerToldAt { get; set; }

    public string? ReleaseReason { get; set; }

    public int Version { get; set; }
}

internal sealed class PromiseConfiguration : IEntityTypeConfiguration<CustomerPromise>
{
    public void Configure(EntityTypeBuilder<CustomerPromise> builder)
    {
        builder.ToTable("promises");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.CaseSubject).HasMaxLength(300);
        builder.Property(p => p.Words).HasMaxLength(CustomerPromise.WordsMax);
        builder.Property(p => p.OwnerName).HasMaxLength(200);
        builder.Property(p => p.KeptByName).HasMaxLength(200);
        builder.Property(p => p.ReleaseReason).HasMaxLength(500);
        builder.Property(p => p.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(p => p.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(p => p.Version).IsConcurrencyToken();

        // The monitor reads open promises by due time; the inbox reads an owner's open ones; reports read by due time.
        builder.HasIndex(p => new { p.Status, p.DueAt });
        builder.HasIndex(p => new { p.OwnerId, p.Status, p.DueAt });
        builder.HasIndex(p => new { p.CaseId, p.Id });
        builder.HasIndex(p => p.DueAt);
    }
}
