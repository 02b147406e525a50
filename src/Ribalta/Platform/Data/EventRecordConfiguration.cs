using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Ribalta.Platform.Events;

namespace Ribalta.Platform.Data;

internal sealed class EventRecordConfiguration : IEntityTypeConfiguration<EventRecord>
{
    public void Configure(EntityTypeBuilder<EventRecord> builder)
    {
        builder.ToTable("events");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedOnAdd();
        builder.Property(e => e.Type).HasMaxLength(100);
        builder.Property(e => e.ActorId).HasMaxLength(100);
        builder.Property(e => e.ActorName).HasMaxLength(200);
        builder.Property(e => e.SubjectType).HasMaxLength(50);
        builder.Property(e => e.SubjectId).HasMaxLength(100);
        builder.Property(e => e.Payload);
        builder.Ignore(e => e.Data);

        // Every reader pages newest first by id within one filter. Each index is written with every event (several per
        // inbound message), so there is none for the actor: the audit log matches an actor by id or by name, which
        // neither engine can answer from an index on the id alone.
        builder.HasIndex(e => new { e.CustomerId, e.Id });
        builder.HasIndex(e => new { e.Type, e.Id });
        builder.HasIndex(e => new { e.SubjectType, e.SubjectId, e.Id });
        builder.HasIndex(e => e.OccurredAt);
    }
}
