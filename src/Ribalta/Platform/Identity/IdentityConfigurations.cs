using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Ribalta.Platform.Identity;

internal sealed class StaffUserConfiguration : IEntityTypeConfiguration<StaffUser>
{
    public void Configure(EntityTypeBuilder<StaffUser> builder)
    {
        builder.Property(u => u.Id).ValueGeneratedNever();
        builder.Property(u => u.DisplayName).HasMaxLength(200);
        builder.Property(u => u.PreferredLanguage).HasMaxLength(8);
        builder.HasOne<Department>().WithMany().HasForeignKey(u => u.DepartmentId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class DepartmentConfiguration : IEntityTypeConfiguration<Department>
{
    public void Configure(EntityTypeBuilder<Department> builder)
    {
        builder.ToTable("departments");
        builder.Property(d => d.Id).ValueGeneratedNever();
        builder.Property(d => d.Name).HasMaxLength(200);
        builder.HasIndex(d => d.Name).IsUnique();
    }
}

internal sealed class StaffInvitationConfiguration : IEntityTypeConfiguration<StaffInvitation>
{
    public void Configure(EntityTypeBuilder<StaffInvitation> builder)
    {
        builder.ToTable("staff_invitations");
        builder.Property(i => i.Id).ValueGeneratedNever();
        builder.Property(i => i.Email).HasMaxLength(254);
        builder.Property(i => i.DisplayName).HasMaxLength(200);
        builder.Property(i => i.Roles).HasMaxLength(200);
        builder.Property(i => i.TokenHash).HasMaxLength(64);
        builder.HasIndex(i => i.TokenHash).IsUnique();
    }
}

/// <summary>The six roles exist in every database from its first migration, with fixed ids.</summary>
internal sealed class RoleConfiguration : IEntityTypeConfiguration<IdentityRole<Guid>>
{
    public void Configure(EntityTypeBuilder<IdentityRole<Guid>> builder)
    {
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.HasData(StaffRoles.All.Select((role, i) => new IdentityRole<Guid>(role)
        {
            Id = new Guid($"00000000-0000-7000-8000-{i + 1:D12}"),
            NormalizedName = role.ToUpperInvariant(),
            ConcurrencyStamp = $"role-{role.ToLowerInvariant()}",
        }));
    }
}
