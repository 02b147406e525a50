using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Domain;

namespace Ribalta.Cases.Data;

internal sealed class CaseConfiguration : IEntityTypeConfiguration<Case>
{
    public const int SubjectMax = CaseLimits.SubjectMax;

    public void Configure(EntityTypeBuilder<Case> builder)
    {
        builder.ToTable("cases");
        builder.Property(c => c.Id).ValueGeneratedOnAdd();
        builder.Property(c => c.Subject).HasMaxLength(SubjectMax);
        builder.Property(c => c.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(c => c.Priority).HasConversion<string>().HasMaxLength(10);
        builder.Property(c => c.Channel).HasConversion<string>().HasMaxLength(10);
        builder.Property(c => c.Language).HasMaxLength(8);
        builder.Property(c => c.Version).IsConcurrencyToken();
        builder.HasMany(c => c.Tags).WithOne().HasForeignKey(t => t.CaseId).OnDelete(DeleteBehavior.Cascade);

        // Inbox views page newest-updated first within a status and an owner.
        builder.HasIndex(c => new { c.Status, c.UpdatedAt, c.Id });
        builder.HasIndex(c => new { c.AssigneeId, c.Status, c.UpdatedAt, c.Id });
        builder.HasIndex(c => new { c.DepartmentId, c.Status, c.UpdatedAt, c.Id });
        builder.HasIndex(c => new { c.Priority, c.Status, c.UpdatedAt, c.Id });
        builder.HasIndex(c => new { c.CustomerId, c.Id });
        builder.HasIndex(c => new { c.UpdatedAt, c.Id });

        // The overdue view reads the most overdue first; the breach monitor finds targets just missed.
        builder.HasIndex(c => new { c.NextDueAt, c.Id });
        builder.HasIndex(c => c.BreachCheckAt);
    }
}

internal sealed class CaseLinkConfiguration : IEntityTypeConfiguration<CaseLink>
{
    public void Configure(EntityTypeBuilder<CaseLink> builder)
    {
        builder.ToTable("case_links");
        builder.HasKey(l => new { l.CaseId, l.OtherCaseId });
        builder.HasOne<Case>().WithMany().HasForeignKey(l => l.CaseId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Case>().WithMany().HasForeignKey(l => l.OtherCaseId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(l => l.OtherCaseId);
    }
}

internal sealed class CaseTagConfiguration : IEntityTypeConfiguration<CaseTag>
{
    public void Configure(EntityTypeBuilder<CaseTag> builder)
    {
        builder.ToTable("case_tags");
        builder.HasKey(t => new { t.CaseId, t.Tag });
        builder.Property(t => t.Tag).HasMaxLength(50);
        builder.HasIndex(t => new { t.Tag, t.CaseId });
    }
}

internal sealed class MessageConfiguration : IEntityTypeConfiguration<Message>
{
    public const int BodyMax = CaseLimits.BodyMax;

    public void Configure(EntityTypeBuilder<Message> builder)
    {
        builder.ToTable("messages");
        builder.Property(m => m.Id).ValueGeneratedOnAdd();
        builder.Property(m => m.Kind).HasConversion<string>().HasMaxLength(15);
        builder.Property(m => m.Channel).HasConversion<string>().HasMaxLength(10);
        builder.Property(m => m.Language).HasMaxLength(8);
        builder.Property(m => m.AuthorId).HasMaxLength(100);
        builder.Property(m => m.AuthorName).HasMaxLength(200);
        builder.Property(m => m.Body).HasMaxLength(BodyMax);
        builder.Property(m => m.CallDirection).HasConversion<string>().HasMaxLength(10);
        builder.HasOne<Case>().WithMany().HasForeignKey(m => m.CaseId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(m => new { m.CaseId, m.Id });
    }
}
