using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Ribalta.Cases.Contracts.Events;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Localization;

namespace Ribalta.Cases.CannedReplies;

public sealed record CannedReplyDto(Guid Id, string Title, string Language, string Body, DateTimeOffset UpdatedAt);

public sealed record CannedReplyInput(string? Title, string? Language, string? Body);

/// <summary>A ready answer in one language. Placeholders are filled when an agent inserts it into a reply.</summary>
internal sealed class CannedReply
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required string Title { get; set; }

    public required string Language { get; set; }

    public required string Body { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class CannedReplyConfiguration : IEntityTypeConfiguration<CannedReply>
{
    public void Configure(EntityTypeBuilder<CannedReply> builder)
    {
        builder.ToTable("canned_replies");
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.Property(r => r.Title).HasMaxLength(CannedReplyLibrary.TitleMax);
        builder.Property(r => r.Language).HasMaxLength(8);
        builder.Property(r => r.Body).HasMaxLength(CannedReplyLibrary.BodyMax);
        builder.HasIndex(r => new { r.Language, r.Title });
    }
}

/// <summary>The team's library of canned replies, per language, and filling their placeholders.</summary>
internal sealed class CannedReplyLibrary(RibaltaDbContext db, TimeProvider clock)
{
    public const int TitleMax = 120;
    public const int BodyMax = 10_000;

    /// <summary>The placeholders an agent can use: customer's name and first name, own name, case number.</summary>
    public static readonly IReadOnlyList<string> Placeholders = ["{{customer.name}}", "{{customer.first_name}}", "{{agent.name}}", "{{case.id}}"];

    public async Task<IReadOnlyList<CannedReplyDto>> ListAsync(string? language, CancellationToken ct)
    {
        var query = db.Set<CannedReply>().AsNoTracking();
        if (!string.IsNullOrEmpty(language))
        {
            query = query.Where(r => r.Language == language);
        }

        return await query.OrderBy(r => r.Language).ThenBy(r => r.Title).Take(500)
            .Select(r => new CannedReplyDto(r.Id, r.Title, r.Language, r.Body, r.UpdatedAt)).ToListAsync(ct);
    }

    public async Task<Result<CannedReplyDto>> SaveAsync(Actor actor, Guid? id, CannedReplyInput input, CancellationToken ct)
    {
        var v = new ValidationBuilder()
            .Required("title", input.Title, TitleMax).NoControlCharacters("title", input.Title)
            .Required("body", input.Body, BodyMax).NoControlCharacters("body", input.Body);
        if (!SupportedCultures.IsSupported(input.Language))
        {
            v.Add("language", "Validation.LanguageUnsupported", input.Language ?? "");
        }

        if (v.ToError() is { } invalid)
        {
            return invalid;
        }

        CannedReply? reply;
        if (id is { } existing)
        {
            reply = await db.Set<CannedReply>().FirstOrDefaultAsync(r => r.Id == existing, ct);
            if (reply is null)
            {
                return Error.NotFound();
            }

            reply.Title = input.Title!.Trim();
            reply.Language = input.Language!;
            reply.Body = input.Body!.Trim();
        }
        else
        {
            reply = new CannedReply { Title = input.Title!.Trim(), Language = input.Language!, Body = input.Body!.Trim() };
            db.Add(reply);
        }

        reply.UpdatedAt = clock.GetUtcNow();
        if (id is null)
        {
            db.Append(clock, actor, new CannedReplyCreated(reply.Title, reply.Language), "canned_reply", reply.Id.ToString());
        }
        else
        {
            db.Append(clock, actor, new CannedReplyEdited(reply.Title, reply.Language), "canned_reply", reply.Id.ToString());
        }
        await db.SaveChangesAsync(ct);
        return new CannedReplyDto(reply.Id, reply.Title, reply.Language, reply.Body, reply.UpdatedAt);
    }

    public async Task<Result<bool>> DeleteAsync(Actor actor, Guid id, CancellationToken ct)
    {
        var reply = await db.Set<CannedReply>().FirstOrDefaultAsync(r => r.Id == id, ct);
        if (reply is null)
        {
            return Error.NotFound();
        }

        db.Remove(reply);
        db.Append(clock, actor, new CannedReplyDeleted(reply.Title, reply.Language), "canned_reply", id.ToString());
        await db.SaveChangesAsync(ct);
        return true;
    }

    public static string Fill(string body, string customerName, string agentName, long caseId) => body
        .Replace("{{customer.name}}", customerName, StringComparison.Ordinal)
        .Replace("{{customer.first_name}}", customerName.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? customerName, StringComparison.Ordinal)
        .Replace("{{agent.name}}", agentName, StringComparison.Ordinal)
        .Replace("{{case.id}}", caseId.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
}
