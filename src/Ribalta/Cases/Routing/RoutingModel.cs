using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Ribalta.Platform.Identity;

namespace Ribalta.Cases.Routing;

/// <summary>
/// The organisation's routing of new requests: one row, present from the migration on. A case that no door gives a
/// department (a mailbox's, a chat widget's, the one staff chose) starts in <see cref="DefaultDepartmentId"/>.
/// </summary>
internal sealed class RoutingSettings
{
    /// <summary>The only row.</summary>
    public const int Organisation = 1;

    public int Id { get; init; } = Organisation;

    /// <summary>Empty: such cases start in no department, and so in no team's view.</summary>
    public Guid? DefaultDepartmentId { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }
}

internal sealed class RoutingSettingsConfiguration : IEntityTypeConfiguration<RoutingSettings>
{
    public void Configure(EntityTypeBuilder<RoutingSettings> builder)
    {
        builder.ToTable("routing_settings");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();

        // A department that goes away takes the default with it (new cases then start in none), never a dangling id.
        builder.HasOne<Department>().WithMany().HasForeignKey(s => s.DefaultDepartmentId).OnDelete(DeleteBehavior.SetNull);
        builder.HasData(new RoutingSettings { Id = RoutingSettings.Organisation });
    }
}
