using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Xunit;

namespace Ribalta.Tests.Unit;

[Trait("Suite", "Unit")]
public sealed class ConflictRetryTests : IDisposable
{
    /// <summary>Past this many calls the work fails the test instead of conflicting again: a retry without end shows as a failure, not a hang.</summary>
    private const int Runaway = 20;

    private readonly TrackerOnly _db = new();
    private int _calls;

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task A_conflict_is_tried_again_on_an_empty_change_tracker_until_the_work_succeeds()
    {
        var failures = new Queue<Exception>([Concurrency(), UniqueViolation()]);

        var result = await ConflictRetry.RunAsync(_db, () => Work(() => failures.TryDequeue(out var next) ? throw next : 42), CancellationToken.None);

        Assert.Equal(42, result);
        Assert.Equal(3, _calls);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(ConflictRetry.DefaultAttempts)]
    public async Task The_last_attempts_conflict_goes_to_the_caller(int attempts)
    {
        var thrown = new List<Exception>();
        int Conflict()
        {
            thrown.Add(Concurrency());
            throw thrown[^1];
        }

        var last = await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => ConflictRetry.RunAsync(_db, () => Work(Conflict), CancellationToken.None, attempts));

        Assert.Same(thrown[^1], last);
        Assert.Equal(attempts, _calls);
    }

    [Fact]
    public async Task Other_failures_are_not_tried_again()
    {
        await Assert.ThrowsAsync<DbUpdateException>(() =>
            ConflictRetry.RunAsync<int>(_db, () => Work<int>(() => throw new DbUpdateException("FOREIGN KEY constraint failed", new SqliteException("FOREIGN KEY", 19, 787))), CancellationToken.None));
        Assert.Equal(1, _calls);

        _calls = 0;
        _db.ChangeTracker.Clear();
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            ConflictRetry.RunAsync<int>(_db, () => Work<int>(() => throw new InvalidOperationException("a bug")), CancellationToken.None));
        Assert.Equal(1, _calls);
    }

    [Fact]
    public async Task Work_with_conflicts_of_its_own_names_them()
    {
        var failures = new Queue<Exception>([new TimeoutException("lost the race"), Concurrency()]);

        var result = await ConflictRetry.RunAsync(
            _db, () => Work(() => failures.TryDequeue(out var next) ? throw next : "landed"), CancellationToken.None, 4, ex => ex is TimeoutException || DbErrors.IsConflict(ex));

        Assert.Equal("landed", result);
        Assert.Equal(3, _calls);
    }

    [Fact]
    public async Task Without_a_context_the_work_is_still_tried_again()
    {
        var failures = new Queue<Exception>([UniqueViolation()]);

        var result = await ConflictRetry.RunAsync(null, () => Task.FromResult(++_calls == 1 && failures.TryDequeue(out var next) ? throw next : _calls), CancellationToken.None);

        Assert.Equal(2, result);
    }

    [Fact]
    public async Task A_handler_whose_every_attempt_conflicts_is_told_to_try_again()
    {
        var result = await ConflictRetry.RunOrTryAgainAsync<int>(_db, () => Work<Result<int>>(() => throw UniqueViolation()), CancellationToken.None);

        Assert.False(result.IsSuccess);
        Assert.Equal(ErrorKind.Conflict, result.Error!.Kind);
        Assert.Equal("Error.TryAgain", result.Error.MessageKey);
        Assert.Equal(ConflictRetry.DefaultAttempts, _calls);
        Assert.Empty(_db.ChangeTracker.Entries());
    }

    [Fact]
    public async Task A_handler_that_wins_on_a_later_attempt_answers_with_its_result()
    {
        var failures = new Queue<Exception>([Concurrency()]);

        var result = await ConflictRetry.RunOrTryAgainAsync(_db, () => Work<Result<int>>(() => failures.TryDequeue(out var next) ? throw next : 7), CancellationToken.None, attempts: 2);

        Assert.Equal(7, result.Value);
        Assert.Equal(2, _calls);
    }

    /// <summary>One try of a unit of work: it starts on an empty change tracker, tracks an entity, then does <paramref name="then"/>.</summary>
    private Task<T> Work<T>(Func<T> then)
    {
        Assert.True(++_calls <= Runaway, "retried without end");
        Assert.Empty(_db.ChangeTracker.Entries());
        _db.Add(new Row { Key = "k" + _calls });
        return Task.FromResult(then());
    }

    private static DbUpdateConcurrencyException Concurrency() => new("The row was changed meanwhile");

    private static DbUpdateException UniqueViolation() => new("UNIQUE constraint failed", new SqliteException("UNIQUE constraint failed: Row.Key", 19, 2067));

    private sealed class Row
    {
        public int Id { get; set; }

        public string Key { get; set; } = "";
    }

    /// <summary>A context whose change tracker is all these tests use: it never opens its connection.</summary>
    private sealed class TrackerOnly : DbContext
    {
        protected override void OnConfiguring(DbContextOptionsBuilder options) => options.UseSqlite("Data Source=:memory:");

        protected override void OnModelCreating(ModelBuilder model) => model.Entity<Row>();
    }
}
