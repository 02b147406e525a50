using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Ribalta.Empowerment.Contracts;
using Ribalta.Empowerment.Help;

namespace Ribalta.Empowerment.Data;

/// <summary>One option of a decision the agent proposes (and the helper may approve): an amount, or days or items.</summary>
internal sealed record ProposedLine(Guid OptionId, decimal? Amount, string? Currency, int Quantity);

/// <summary>
/// An agent asks a colleague (a lead, a manager, an expert) or a department for help on a case: a question, or a
/// decision above their envelope or outside the catalogue. The helper joins the case; the agent keeps it and the
/// customer keeps one contact. The request has a response target, and its answer is kept.
/// </summary>
internal sealed class HelpRequest
{
    public const int TextMax = 2000;

    public long Id { get; private set; }

    public long CaseId { get; init; }

    public Guid CustomerId { get; init; }

    /// <summary>The case's subject when asked, for the helper's queue.</summary>
    public required string CaseSubject { get; init; }

    public HelpReason Reason { get; init; }

    public required string Question { get; init; }

    /// <summary>What the agent proposes to grant (above-envelope or other decisions), if anything.</summary>
    public List<ProposedLine> Proposal { get; init; } = [];

    /// <summary>
    /// For a proposal: how far past what the agent could grant alone it went (the largest of asked ÷ allowed over its
    /// lines; 1.2 is 20% more). Null when the agent could grant none of it. The report reads "could a reasonable
    /// envelope have covered it" from this.
    /// </summary>
    public decimal? Reach { get; init; }

    public Guid AskedBy { get; init; }

    public required string AskedByName { get; init; }

    /// <summary>The asker's team when they asked.</summary>
    public Guid? AskerDepartmentId { get; init; }

    public DateTimeOffset AskedAt { get; init; }

    public DateTimeOffset DueAt { get; init; }

    /// <summary>The person helping: named when asked, or whoever in the department took it.</summary>
    public Guid? HelperId { get; set; }

    public string? HelperName { get; set; }

    /// <summary>The department asked, when the request went to a team rather than a person.</summary>
    public Guid? DepartmentId { get; init; }

    public HelpStatus Status { get; set; }

    public string? Answer { get; set; }

    public Guid? AnsweredBy { get; set; }

    public string? AnsweredByName { get; set; }

    public DateTimeOffset? AnsweredAt { get; set; }

    /// <summary>The grants an approval made, through the same ledger as any grant.</summary>
    public Guid? ResolutionId { get; set; }

    public int Version { get; set; }
}

internal sealed class HelpConfiguration : IEntityTypeConfiguration<HelpRequest>
{
    private static readonly JsonSerializerOptions Compact = new(JsonSerializerDefaults.Web);

    public void Configure(EntityTypeBuilder<HelpRequest> builder)
    {
        builder.ToTable("help_requests");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.CaseSubject).HasMaxLength(300);
        builder.Property(r => r.Question).HasMaxLength(HelpRequest.TextMax);
        builder.Property(r => r.Answer).HasMaxLength(HelpRequest.TextMax);
        builder.Property(r => r.AskedByName).HasMaxLength(200);
        builder.Property(r => r.HelperName).HasMaxLength(200);
        builder.Property(r => r.AnsweredByName).HasMaxLength(200);
        builder.Property(r => r.Reason).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.Reach).HasPrecision(18, 4);
        builder.Property(r => r.Version).IsConcurrencyToken();
        builder.Property(r => r.Proposal).HasMaxLength(4000).HasConversion(
            v => JsonSerializer.Serialize(v, Compact),
            v => JsonSerializer.Deserialize<List<ProposedLine>>(v, Compact) ?? new List<ProposedLine>(),
            new ValueComparer<List<ProposedLine>>((a, b) => a!.SequenceEqual(b!), v => v.Count, v => v.ToList()));
        builder.HasIndex(r => new { r.HelperId, r.Status, r.DueAt });
        builder.HasIndex(r => new { r.DepartmentId, r.Status, r.DueAt });
        builder.HasIndex(r => new { r.AskedBy, r.AskedAt });
        builder.HasIndex(r => new { r.CaseId, r.Id });
        builder.HasIndex(r => r.AskedAt);
    }
}
