using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Ribalta.Cases.Contracts;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;

namespace Ribalta.Channels.Ingest;

/// <summary>Who wrote: at least one of email, phone or handle; the name is used when they are new.</summary>
public sealed record IngestSender(string? Email = null, string? Phone = null, string? Handle = null, string? Name = null);

/// <summary>
/// A customer's message from any door (an integration, a form, a channel adapter). Without <c>CaseId</c> it opens
/// a case (the subject defaults to the start of the message); with one it continues that case, which must be the
/// sender's.
/// </summary>
public sealed record IngestMessageRequest(IngestSender? From, string? Body, string? Subject = null, Channel? Channel = null, string? Language = null, long? CaseId = null)
{
    /// <summary>
    /// False when <see cref="Language"/> was guessed from a few words rather than said by the door: good enough to file
    /// the message under, not to become the customer's language.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool LanguageIsEvidence { get; init; } = true;
}

public sealed record IngestResult(long CaseId, long MessageId, Guid CustomerId, bool NewCase, bool NewCustomer);

/// <summary>The first answer to a request sent with an <c>Idempotency-Key</c>; repeats of the key get it back.</summary>
internal sealed class IdempotencyRecord
{
    /// <summary>Whose key: keys of different callers never collide.</summary>
    public required string Scope { get; init; }

    public required string Key { get; init; }

    /// <summary>SHA-256 of the request, so a key reused for a different request is refused rather than misread.</summary>
    public required string RequestHash { get; init; }

    public long CaseId { get; init; }

    public long MessageId { get; init; }

    public Guid CustomerId { get; init; }

    public bool NewCase { get; init; }

    public bool NewCustomer { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The answer to a repeat of this key: the first result, or a conflict when the request differs.</summary>
    public Result<IngestResult> AnswerTo(string requestHash) =>
        RequestHash == requestHash ? new IngestResult(CaseId, MessageId, CustomerId, NewCase, NewCustomer) : Error.Conflict("Error.IdempotencyMismatch");

    public static IdempotencyRecord For(string scope, string key, string hash, IngestResult result, DateTimeOffset now) => new()
    {
        Scope = scope,
        Key = key,
        RequestHash = hash,
        CaseId = result.CaseId,
        MessageId = result.MessageId,
        CustomerId = result.CustomerId,
        NewCase = result.NewCase,
        NewCustomer = result.NewCustomer,
        CreatedAt = now,
    };

    /// <summary>The records of many keys in one query (keys of other callers that happen to be equal are left out).</summary>
    public static async Task<Dictionary<(string Scope, string Key), IdempotencyRecord>> FindAsync(RibaltaDbContext db, IEnumerable<(string Scope, string Key)> keys, CancellationToken ct)
    {
        var wanted = keys.ToHashSet();
        if (wanted.Count == 0)
        {
            return [];
        }

        // Both key columns, so the lookup walks the primary key (scope, key) rather than the table.
        var scopes = wanted.Select(k => k.Scope).Distinct().ToList();
        var values = wanted.Select(k => k.Key).Distinct().ToList();
        var records = await db.Set<IdempotencyRecord>().AsNoTracking().Where(r => scopes.Contains(r.Scope) && values.Contains(r.Key)).ToListAsync(ct);
        return records.Where(r => wanted.Contains((r.Scope, r.Key))).ToDictionary(r => (r.Scope, r.Key));
    }

    /// <summary>The first result for this caller's key: null when the key is new, a conflict when it was used for another request.</summary>
    public static async Task<Result<IngestResult>?> ReplayAsync(RibaltaDbContext db, string scope, string key, string hash, CancellationToken ct)
    {
        var record = await db.Set<IdempotencyRecord>().AsNoTracking().FirstOrDefaultAsync(r => r.Scope == scope && r.Key == key, ct);
        return record?.AnswerTo(hash);
    }

    public static string Hash(IngestMessageRequest request) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(request))));
}

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public const int KeyMax = 200;

    public void Configure(EntityTypeBuilder<IdempotencyRecord> builder)
    {
        builder.ToTable("idempotency_records");
        builder.HasKey(r => new { r.Scope, r.Key });
        builder.Property(r => r.Scope).HasMaxLength(100);
        builder.Property(r => r.Key).HasMaxLength(KeyMax);
        builder.Property(r => r.RequestHash).HasMaxLength(64);
        builder.HasIndex(r => r.CreatedAt);
    }
}
