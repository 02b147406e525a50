using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Ribalta.Empowerment.Contracts;

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

internal sealed class ResolutionOptionConfiguration : IEntityTypeConfiguration<ResolutionOption>
{
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
}
