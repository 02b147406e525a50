using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Ribalta.Empowerment.Contracts;
using Ribalta.Empowerment.Domain;

namespace Ribalta.Empowerment.Data;

/// <summary>
/// What a role may grant of one option without asking, optionally only for one team (department), one customer
/// segment, or people with at least some months of tenure. Of the rules that fit, the most specific applies.
/// </summary>
internal sealed class EnvelopeRule
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid OptionId { get; set; }

    public required string Role { get; set; }

    public Guid? DepartmentId { get; set; }

    public Guid? SegmentId { get; set; }

    public int? MinTenureMonths { get; set; }

    public List<Money> PerGrant { get; set; } = [];

    public List<Money> PerCustomer { get; set; } = [];

    public int CustomerWindowDays { get; set; } = 90;

    public List<Money> MonthlyBudget { get; set; } = [];

    public int? MaxQuantity { get; set; }

    public int? MaxGrantsPerCustomer { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public int Specificity => (DepartmentId is null ? 0 : 1) + (SegmentId is null ? 0 : 1) + (MinTenureMonths is null ? 0 : 1);

    public EnvelopeTerms Terms => new()
    {
        PerGrant = PerGrant,
        PerCustomer = PerCustomer,
        CustomerWindowDays = CustomerWindowDays,
        MonthlyBudget = MonthlyBudget,
        MaxQuantity = MaxQuantity,
        MaxGrantsPerCustomer = MaxGrantsPerCustomer,
    };
}

internal sealed class EnvelopeRuleConfiguration : IEntityTypeConfiguration<EnvelopeRule>
{
    public void Configure(EntityTypeBuilder<EnvelopeRule> builder)
    {
        builder.ToTable("envelope_rules");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Role).HasMaxLength(40);
        builder.HasIndex(r => new { r.OptionId, r.Role });
        builder.HasOne<ResolutionOption>().WithMany().HasForeignKey(r => r.OptionId).OnDelete(DeleteBehavior.Cascade);
        foreach (var limits in new[] { nameof(EnvelopeRule.PerGrant), nameof(EnvelopeRule.PerCustomer), nameof(EnvelopeRule.MonthlyBudget) })
        {
            builder.Property<List<Money>>(limits).HasMaxLength(2000).HasConversion(
                v => string.Join(';', v.Select(m => m.ToString())),
                v => Parse(v),
                new ValueComparer<List<Money>>((a, b) => a!.SequenceEqual(b!), v => v.Count, v => v.ToList()));
        }

        builder.Ignore(r => r.Terms);
        builder.Ignore(r => r.Specificity);
    }

    private static List<Money> Parse(string stored) =>
        stored.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split(' ') is [var amount, var code] ? Money.Of(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), code) : throw new FormatException(part))
            .ToList();
}

/// <summary>
/// A time an agent reached a limit of their envelope: the signal, for the managers who own it, that the envelope may be
/// too small. Kept apart from grants; never used against the agent.
/// </summary>
internal sealed class EnvelopeRefusal
{
    public long Id { get; private set; }

    public Guid OptionId { get; init; }

    public EnvelopeLimit Limit { get; init; }

    public Guid StaffId { get; init; }

    /// <summary>The agent's team when it happened.</summary>
    public Guid? DepartmentId { get; init; }

    public long CaseId { get; init; }

    public DateTimeOffset At { get; init; }
}

internal sealed class EnvelopeRefusalConfiguration : IEntityTypeConfiguration<EnvelopeRefusal>
{
    public void Configure(EntityTypeBuilder<EnvelopeRefusal> builder)
    {
        builder.ToTable("envelope_refusals");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Limit).HasConversion<string>().HasMaxLength(20);
        builder.HasIndex(r => r.At);
        builder.HasOne<ResolutionOption>().WithMany().HasForeignKey(r => r.OptionId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>
/// What one person has granted of one option in one currency in one calendar month (the organisation's), kept in each
/// grant's transaction and lowered when a grant is taken back: the monthly budget reads one row, not the month's grants.
/// </summary>
internal sealed class EnvelopeTotal
{
    public required string Key { get; init; }

    public Guid StaffId { get; init; }

    public Guid OptionId { get; init; }

    public required string Currency { get; init; }

    /// <summary>"2026-11".</summary>
    public required string Month { get; init; }

    public decimal Amount { get; set; }

    public static string KeyOf(Guid staffId, Guid optionId, string currency, string month) => $"{staffId:N}:{optionId:N}:{currency}:{month}";
}

internal sealed class EnvelopeTotalConfiguration : IEntityTypeConfiguration<EnvelopeTotal>
{
    public void Configure(EntityTypeBuilder<EnvelopeTotal> builder)
    {
        builder.ToTable("envelope_totals");
        builder.HasKey(t => t.Key);
        builder.Property(t => t.Key).HasMaxLength(120);
        builder.Property(t => t.Currency).HasMaxLength(3);
        builder.Property(t => t.Month).HasMaxLength(7);
        builder.Property(t => t.Amount).HasPrecision(18, 4);
        builder.HasIndex(t => new { t.StaffId, t.Month });
    }
}

/// <summary>
/// A row per person and per customer whose version every grant bumps, in the grant's transaction: two grants that
/// read the same history at once cannot both commit, so two tabs (or two agents on one customer) never overspend.
/// </summary>
internal sealed class EnvelopeLedger
{
    public required string Key { get; init; }

    public int Version { get; set; }
}

internal sealed class EnvelopeLedgerConfiguration : IEntityTypeConfiguration<EnvelopeLedger>
{
    public void Configure(EntityTypeBuilder<EnvelopeLedger> builder)
    {
        builder.ToTable("envelope_ledgers");
        builder.HasKey(l => l.Key);
        builder.Property(l => l.Key).HasMaxLength(80);
        builder.Property(l => l.Version).IsConcurrencyToken();
    }
}
