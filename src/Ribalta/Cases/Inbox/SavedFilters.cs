using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Contracts.Events;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;

namespace Ribalta.Cases.Inbox;

/// <summary>A named inbox view with its narrowing (department, priority): personal, or shared with everyone by a lead.</summary>
public sealed record SavedFilterDto(Guid Id, string Name, InboxView View, Guid? DepartmentId, CasePriority? Priority, bool Shared, bool Mine);

public sealed record SavedFilterInput(string? Name, InboxView? View, Guid? DepartmentId, CasePriority? Priority, bool Shared = false);

internal sealed class SavedFilter
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid OwnerId { get; init; }

    public required string Name { get; init; }

    public InboxView View { get; init; }

    public Guid? DepartmentId { get; init; }

    public CasePriority? Priority { get; init; }

    public bool Shared { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

internal sealed class SavedFilterConfiguration : IEntityTypeConfiguration<SavedFilter>
{
    public void Configure(EntityTypeBuilder<SavedFilter> builder)
    {
        builder.ToTable("saved_filters");
        builder.Property(f => f.Id).ValueGeneratedNever();
        builder.Property(f => f.Name).HasMaxLength(SavedFilters.NameMax);
        builder.Property(f => f.View).HasConversion<string>().HasMaxLength(20);
        builder.Property(f => f.Priority).HasConversion<string>().HasMaxLength(10);
        builder.HasIndex(f => new { f.OwnerId, f.Name });
        builder.HasIndex(f => f.Shared);
    }
}

/// <summary>Each person's saved filters and the team's shared ones.</summary>
internal sealed class SavedFilters(RibaltaDbContext db, TimeProvider clock)
{
    public const int NameMax = 80;
    public const int MaxPerPerson = 50;

    public async Task<IReadOnlyList<SavedFilterDto>> ListAsync(Guid me, CancellationToken ct) =>
        (await db.Set<SavedFilter>().AsNoTracking().Where(f => f.OwnerId == me || f.Shared).OrderBy(f => f.Id).Take(200).ToListAsync(ct))
            .OrderBy(f => f.Shared).ThenBy(f => f.Name, StringComparer.CurrentCulture)
            .Select(f => ToDto(f, me)).ToList();

    public async Task<Result<SavedFilterDto>> SaveAsync(Actor actor, bool mayShare, SavedFilterInput input, CancellationToken ct)
    {
        if (!Guid.TryParse(actor.Id, out var me))
        {
            return Error.Forbidden();
        }

        var v = new ValidationBuilder().Required("name", input.Name, NameMax).NoControlCharacters("name", input.Name);
        if (input.View is not { } view || !Enum.IsDefined(view))
        {
            v.Add("view", "Validation.Required");
        }

        if (input.Priority is { } priority && !Enum.IsDefined(priority))
        {
            v.Add("priority", "Validation.Invalid");
        }

        if (input.DepartmentId is { } department && !await db.Set<Department>().AnyAsync(d => d.Id == department, ct))
        {
            v.Add("departmentId", "Validation.DepartmentUnknown");
        }

        if (input.Shared && !mayShare)
        {
            v.Add("shared", "Validation.ShareNotAllowed");
        }

        if (await db.Set<SavedFilter>().CountAsync(f => f.OwnerId == me, ct) >= MaxPerPerson)
        {
            v.Add("name", "Validation.TooManyFilters", MaxPerPerson);
        }

        if (v.ToError() is { } invalid)
        {
            return invalid;
        }

        var filter = new SavedFilter
        {
            OwnerId = me,
            Name = input.Name!.Trim(),
            View = input.View!.Value,
            DepartmentId = input.DepartmentId,
            Priority = input.Priority,
            Shared = input.Shared,
            CreatedAt = clock.GetUtcNow(),
        };
        db.Add(filter);
        db.Append(clock, actor, new SavedFilterSaved(filter.Name, filter.View, filter.Shared), "filter", filter.Id.ToString());
        await db.SaveChangesAsync(ct);
        return ToDto(filter, me);
    }

    /// <summary>People delete their own filters; a shared one may also be removed by whoever may share.</summary>
    public async Task<Result<bool>> DeleteAsync(Actor actor, bool mayShare, Guid id, CancellationToken ct)
    {
        var me = Guid.TryParse(actor.Id, out var parsed) ? parsed : Guid.Empty;
        var filter = await db.Set<SavedFilter>().FirstOrDefaultAsync(f => f.Id == id && (f.OwnerId == me || f.Shared), ct);
        if (filter is null)
        {
            return Error.NotFound();
        }

        if (filter.OwnerId != me && !mayShare)
        {
            return Error.Forbidden();
        }

        db.Remove(filter);
        db.Append(clock, actor, new SavedFilterDeleted(filter.Name), "filter", filter.Id.ToString());
        await db.SaveChangesAsync(ct);
        return true;
    }

    private static SavedFilterDto ToDto(SavedFilter f, Guid me) => new(f.Id, f.Name, f.View, f.DepartmentId, f.Priority, f.Shared, f.OwnerId == me);

    /// <summary>The inbox address that shows this filter.</summary>
    public static string Href(SavedFilterDto f) =>
        string.Create(CultureInfo.InvariantCulture, $"/cases?view={f.View}")
        + (f.DepartmentId is { } d ? $"&department={d}" : "")
        + (f.Priority is { } p ? $"&priority={p}" : "")
        + $"&filter={f.Id}";
}
