using Microsoft.EntityFrameworkCore;
using Ribalta.Customers.Contracts;
using Ribalta.Customers.Contracts.Events;
using Ribalta.Customers.Domain;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Text;

namespace Ribalta.Customers.Segments;

/// <summary>The segments customers can be grouped in (weights and expectations arrive with Insights).</summary>
internal sealed class SegmentCatalogue(RibaltaDbContext db, TimeProvider clock)
{
    public async Task<IReadOnlyList<SegmentDto>> ListAsync(CancellationToken ct) =>
        await db.Set<Segment>().AsNoTracking().OrderBy(s => s.Name).Take(500).Select(s => new SegmentDto(s.Id, s.Name, s.Description)).ToListAsync(ct);

    public async Task<Result<SegmentDto>> CreateAsync(Actor actor, string? name, string? description, CancellationToken ct)
    {
        var v = new ValidationBuilder().Required("name", name, 100).NoControlCharacters("name", name).MaxLength("description", description, 500);
        if (v.ToError() is { } invalid)
        {
            return invalid;
        }

        var normalized = TextFolding.Fold(name);
        if (await db.Set<Segment>().AnyAsync(s => s.NormalizedName == normalized, ct))
        {
            return Error.Validation("name", "Validation.SegmentExists");
        }

        var segment = new Segment { Name = name!.Trim(), NormalizedName = normalized, Description = string.IsNullOrWhiteSpace(description) ? null : description.Trim() };
        db.Add(segment);
        db.Append(clock, actor, new SegmentCreated(segment.Name), "segment", segment.Id.ToString());
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            return Error.Validation("name", "Validation.SegmentExists");
        }

        return new SegmentDto(segment.Id, segment.Name, segment.Description);
    }
}
