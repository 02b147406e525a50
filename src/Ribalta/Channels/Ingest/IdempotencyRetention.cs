using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Ribalta.Platform.Data;
using Ribalta.Platform.Jobs;

namespace Ribalta.Channels.Ingest;

internal sealed class IngestOptions
{
    public const string Section = "Ingest";

    /// <summary>
    /// How long the first answer to an <c>Idempotency-Key</c> is kept for its repeats: longer than any caller keeps
    /// retrying. Afterwards the key is forgotten and may be used again.
    /// </summary>
    public int IdempotencyKeyDays { get; init; } = 7;
}

/// <summary>
/// Forgets the answers to idempotency keys once no caller can still be retrying (<see cref="IngestOptions.IdempotencyKeyDays"/>),
/// every hour (a job) and a bounded batch at a time, so the table (and the index every ingested message writes to) stays the size
/// of a week of traffic instead of growing with every message ever received. Imported social posts keep theirs: there
/// the key is the post's own id, and a post imported again months later is still "already imported".
/// </summary>
internal sealed partial class IdempotencyRetention(IServiceScopeFactory scopes, TimeProvider clock, IOptions<IngestOptions> options, ILogger<IdempotencyRetention> logger) : IJob
{
    private const int Batch = 5_000;

    public string Name => "ingest.forget_idempotency_keys";

    public TimeSpan Interval => TimeSpan.FromHours(1);

    public async Task RunAsync(CancellationToken ct)
    {
        while (await ForgetAsync(ct) == Batch)
        {
        }
    }

    /// <summary>Deletes one batch of keys older than the retention; returns how many.</summary>
    public async Task<int> ForgetAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RibaltaDbContext>();
        var before = clock.GetUtcNow() - TimeSpan.FromDays(Math.Max(1, options.Value.IdempotencyKeyDays));
        var forgotten = await db.Set<IdempotencyRecord>()
            .Where(r => r.CreatedAt < before && r.Scope != Social.SocialMentions.IdempotencyScope)
            .OrderBy(r => r.CreatedAt)
            .Take(Batch)
            .ExecuteDeleteAsync(ct);
        if (forgotten > 0)
        {
            LogForgotten(logger, forgotten);
        }

        return forgotten;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Forgot {Count} idempotency keys past their retention")]
    private static partial void LogForgotten(ILogger logger, int count);
}
