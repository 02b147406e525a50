using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Ribalta.Customers.Contracts;
using Ribalta.Customers.Domain;
using Ribalta.Platform.Data;

namespace Ribalta.Customers.Data;

internal sealed class CustomerConfiguration : IEntityTypeConfiguration<Customer>
{
    public const int NameMax = 200;
    public const int NotesMax = 4000;

    public void Configure(EntityTypeBuilder<Customer> builder)
    {
        builder.ToTable("customers");
        builder.Property(c => c.Id).ValueGeneratedNever();
        builder.Property(c => c.DisplayName).HasMaxLength(NameMax);
        builder.Property(c => c.PreferredLanguage).HasMaxLength(8);
        builder.Property(c => c.Relationship).HasConversion<string>().HasMaxLength(20);
        builder.Property(c => c.Notes).HasMaxLength(NotesMax);
        builder.Property(c => c.Version).IsConcurrencyToken();
        builder.Ignore(c => c.Consent);
        builder.HasOne<Organisation>().WithMany().HasForeignKey(c => c.OrganisationId).OnDelete(DeleteBehavior.SetNull);
        builder.HasMany(c => c.ContactPoints).WithOne().HasForeignKey(p => p.CustomerId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(c => c.Segments).WithOne().HasForeignKey(s => s.CustomerId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(c => c.SearchTerms).WithOne().HasForeignKey(t => t.CustomerId).OnDelete(DeleteBehavior.Cascade);
        // Live customers newest first: the list walks this index and stops after a page.
        builder.HasIndex(c => new { c.MergedIntoId, c.Id });
    }
}

internal sealed class ContactPointConfiguration : IEntityTypeConfiguration<ContactPoint>
{
    public void Configure(EntityTypeBuilder<ContactPoint> builder)
    {
        builder.ToTable("customer_contact_points");
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.Property(p => p.Kind).HasConversion<string>().HasMaxLength(10);
        builder.Property(p => p.Value).HasMaxLength(254);
        builder.Property(p => p.NormalizedValue).HasMaxLength(254);

        // An email or handle identifies one person; a phone may be shared by a household.
        builder.HasIndex(p => new { p.Kind, p.NormalizedValue }).IsUnique().HasFilter("\"Kind\" <> 'Phone'");
        builder.HasIndex(p => p.NormalizedValue);
    }
}

internal sealed class SegmentConfiguration : IEntityTypeConfiguration<Segment>
{
    public void Configure(EntityTypeBuilder<Segment> builder)
    {
        builder.ToTable("segments");
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.Name).HasMaxLength(100);
        builder.Property(s => s.NormalizedName).HasMaxLength(100);
        builder.Property(s => s.Description).HasMaxLength(500);
        builder.HasIndex(s => s.NormalizedName).IsUnique();
    }
}

internal sealed class CustomerSegmentConfiguration : IEntityTypeConfiguration<CustomerSegment>
{
    public void Configure(EntityTypeBuilder<CustomerSegment> builder)
    {
        builder.ToTable("customer_segments");
        builder.HasKey(s => new { s.CustomerId, s.SegmentId });
        builder.HasOne<Segment>().WithMany().HasForeignKey(s => s.SegmentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(s => s.SegmentId);
    }
}

internal sealed class OrganisationConfiguration : IEntityTypeConfiguration<Organisation>
{
    public void Configure(EntityTypeBuilder<Organisation> builder)
    {
        builder.ToTable("organisations");
        builder.Property(o => o.Id).ValueGeneratedNever();
        builder.Property(o => o.Name).HasMaxLength(200);
        builder.Property(o => o.NormalizedName).HasMaxLength(200);
        builder.HasIndex(o => o.NormalizedName).IsUnique();
    }
}

internal sealed class CustomerSearchTermConfiguration : IEntityTypeConfiguration<CustomerSearchTerm>
{
    public void Configure(EntityTypeBuilder<CustomerSearchTerm> builder)
    {
        builder.ToTable("customer_search_terms");
        builder.HasKey(t => new { t.CustomerId, t.Term });
        builder.Property(t => t.Term).HasMaxLength(SearchTerms.MaxTermLength).IsOrdinalText();
        builder.HasIndex(t => new { t.Term, t.CustomerId });
    }
}

internal sealed class CustomerSignInLinkConfiguration : IEntityTypeConfiguration<CustomerSignInLink>
{
    public void Configure(EntityTypeBuilder<CustomerSignInLink> builder)
    {
        builder.ToTable("customer_sign_in_links");
        builder.Property(l => l.Id).ValueGeneratedNever();
        builder.Property(l => l.TokenHash).HasMaxLength(64);
        builder.HasIndex(l => l.TokenHash).IsUnique();
        builder.HasOne<Customer>().WithMany().HasForeignKey(l => l.CustomerId).OnDelete(DeleteBehavior.Cascade);
    }
}
