using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Ribalta.Empowerment.Contracts;
using Ribalta.Empowerment.Domain;

namespace Ribalta.Empowerment.Data;

/// <summary>A way to make things right that the catalogue offers (a refund, a credit, a deadline extension...), named in each language.</summary>
internal sealed class ResolutionOption
{
    public const int NameMax = 100;

    public Guid Id { get; init; } = Guid.CreateVersion7();

    public ResolutionKind Kind { get; set; }

    public OptionMeasure Measure { get; set; }

    /// <summary>Name per language (en, it, es, ar); English when the reader's is missing.</summary>
    public Dictionary<string, string> Names { get; set; } = [];

    public bool Active { get; set; } = true;

    public DateTimeOffset CreatedAt { get; init; }

    public string NameIn(string? language) => Names.GetValueOrDefault(language ?? "") is { Length: > 0 } own ? own : Names.GetValueOrDefault("en") ?? Names.Values.FirstOrDefault() ?? "";
}

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

/// <summary>
/// A row per person and per customer whose version every grant bumps, in the grant's transaction: two grants that
/// read the same history at once cannot both commit, so two tabs (or two agents on one customer) never overspend.
/// </summary>
internal sealed class EnvelopeLedger
{
    public required string Key { get; init; }

    public int Version { get; set; }
}

internal sealed class EmpowermentConfiguration :
    IEntityTypeConfiguration<ResolutionOption>, IEntityTypeConfiguration<EnvelopeRule>, IEntityTypeConfiguration<Grant>, IEntityTypeConfiguration<EnvelopeLedger>,
    IEntityTypeConfiguration<EnvelopeRefusal>, IEntityTypeConfiguration<EnvelopeTotal>
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

    public void Configure(EntityTypeBuilder<EnvelopeRefusal> builder)
    {
        builder.ToTable("envelope_refusals");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Limit).HasConversion<string>().HasMaxLength(20);
        builder.HasIndex(r => r.At);
        builder.HasOne<ResolutionOption>().WithMany().HasForeignKey(r => r.OptionId).OnDelete(DeleteBehavior.Cascade);
    }

    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public void Configure(EntityTypeBuilder<ResolutionOption> builder)
    {
        builder.ToTable("resolution_options");
        builder.HasKey(o => o.Id);
        builder.Property(o => o.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(o => o.Measure).HasConversion<string>().HasMaxLength(12);
        builder.Property(o => o.Names).HasMaxLength(2000).HasConversion(
            v => JsonSerializer.Serialize(v, Readable),
            v => JsonSerializer.Deserialize<Dictionary<string, string>>(v, Readable) ?? new Dictionary<string, string>(),
            new ValueComparer<Dictionary<string, string>>((a, b) => a!.Count == b!.Count && !a.Except(b).Any(), v => v.Count, v => new Dictionary<string, string>(v)));
    }

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

    public void Configure(EntityTypeBuilder<EnvelopeLedger> builder)
    {
        builder.ToTable("envelope_ledgers");
        builder.HasKey(l => l.Key);
        builder.Property(l => l.Key).HasMaxLength(80);
        builder.Property(l => l.Version).IsConcurrencyToken();
    }

    private static List<Money> Parse(string stored) =>
        stored.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split(' ') is [var amount, var code] ? Money.Of(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), code) : throw new FormatException(part))
            .ToList();
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
