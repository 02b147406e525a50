using Microsoft.EntityFrameworkCore;
using Ribalta.Platform.Errors;

namespace Ribalta.Platform.Data;

/// <summary>
/// Runs a unit of work again when it lost a race at commit: a row it read changed meanwhile
/// (<see cref="DbUpdateConcurrencyException"/>) or a key it wrote was committed first by someone else (a unique
/// violation). Each new try starts from an empty change tracker, so it reads the winner's rows afresh, after a short
/// random pause so that racers do not collide again in step. The unit of work must be whole: it reads, decides and
/// saves (in its own transaction when it saves more than once); a try that fails leaves nothing behind.
/// </summary>
internal static class ConflictRetry
{
    public const int DefaultAttempts = 5;

    /// <summary>
    /// Up to <paramref name="attempts"/> tries; the last try's conflict goes to the caller. Any other failure goes at
    /// once. <paramref name="db"/>'s change tracker is cleared before each new try (null: the work uses a fresh context
    /// each time). <paramref name="isConflict"/> replaces <see cref="DbErrors.IsConflict"/> for work with conflicts of its own.
    /// </summary>
    public static async Task<T> RunAsync<T>(
        DbContext? db, Func<Task<T>> work, CancellationToken ct, int attempts = DefaultAttempts, Func<Exception, bool>? isConflict = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempts, 1);
        isConflict ??= DbErrors.IsConflict;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await work();
            }
            catch (Exception ex) when (attempt < attempts && isConflict(ex))
            {
                db?.ChangeTracker.Clear();
                await Task.Delay(Random.Shared.Next(2, 20 * attempt), ct);
            }
        }
    }

    /// <summary>
    /// As <see cref="RunAsync{T}"/>, for a handler: when the last try still conflicts, the caller is told to try again
    /// (409, <c>Error.TryAgain</c>) rather than failing with an exception.
    /// </summary>
    public static async Task<Result<T>> RunOrTryAgainAsync<T>(DbContext db, Func<Task<Result<T>>> work, CancellationToken ct, int attempts = DefaultAttempts)
    {
        try
        {
            return await RunAsync(db, work, ct, attempts);
        }
        catch (DbUpdateException ex) when (DbErrors.IsConflict(ex))
        {
            db.ChangeTracker.Clear();
            return Error.Conflict("Error.TryAgain");
        }
    }
}
