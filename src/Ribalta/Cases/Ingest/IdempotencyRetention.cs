using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Ribalta.Platform.Data;

namespace Ribalta.Cases.Ingest;

public sealed class IngestOptions
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
/// every hour and a bounded batch at a time, so the table (and the index every ingested message writes to) stays the size
/// of a week of traffic instead of growing with every message ever received. Imported social posts keep theirs: there
/// the key is the post's own id, and a post imported again months later is still "already imported".
/// </summary>
internal sealed partial class IdempotencyRetention(IServiceScopeFactory scopes, TimeProvider clock, IOptions<IngestOptions> options, ILogger<IdempotencyRetention> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);
    private const int Batch = 5_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                while (await ForgetAsync(stoppingToken) == Batch)
                {
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogForgetFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Forgetting old idempotency keys failed")]
    private static partial void LogForgetFailed(ILogger logger, Exception exception);
}
