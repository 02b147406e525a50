using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Ribalta.Platform.Data;
using Ribalta.Platform.Jobs;
using Ribalta.Platform.Localization;
using Ribalta.Tests.Infrastructure;
using Xunit;

namespace Ribalta.Tests.Integration.Platform;

/// <summary>
/// The job runner: each job on one node at a time under a lease in the database, runs recorded, failures tried again
/// sooner, "run now" for administrators. Runners made here run test jobs of their own beside the application's runner,
/// on a clock of their own.
/// </summary>
public abstract class JobTests(RibaltaApp app)
{
    protected RibaltaApp App { get; } = app;

    [Fact]
    public async Task Administrators_see_the_jobs_and_run_one_now_and_nobody_else_can()
    {
        var admin = await App.AsAdmin();
        var names = await WaitForJobsAsync(admin, jobs => jobs.Any(j => j.GetProperty("name").GetString() == "identity.forget_sessions" && j.GetProperty("runs").GetInt32() >= 1));
        Assert.Equal(["cases.record_target_breaches", "identity.forget_sessions", "ingest.forget_idempotency_keys", "notifications.digest", "promises.break_due", "promises.remind_due_soon"], names.Select(j => j.GetProperty("name").GetString()!).ToList());
        var sessions = names.Single(j => j.GetProperty("name").GetString() == "identity.forget_sessions");
        Assert.Equal(3600, sessions.GetProperty("intervalSeconds").GetInt32());
        Assert.True(sessions.GetProperty("lastSucceededAt").ValueKind == System.Text.Json.JsonValueKind.String);
        var runsBefore = sessions.GetProperty("runs").GetInt32();

        var run = await admin.PostAsync("/api/v1/jobs/identity.forget_sessions/run", null);
        Assert.Equal(HttpStatusCode.Accepted, run.StatusCode);
        await WaitForJobsAsync(admin, jobs => jobs.Any(j => j.GetProperty("name").GetString() == "identity.forget_sessions" && j.GetProperty("runs").GetInt32() > runsBefore));
        var requested = await App.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Events.CountAsync(e => e.Type == "job.run_requested" && e.SubjectId == "identity.forget_sessions"));
        Assert.True(requested >= 1);

        await (await admin.PostAsync("/api/v1/jobs/no.such_job/run", null)).AssertProblemAsync(HttpStatusCode.NotFound, "Error.JobNotFound");
        var agent = await App.AsFrontline();
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/api/v1/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsync("/api/v1/jobs/identity.forget_sessions/run", null)).StatusCode);
    }

    [Fact]
    public async Task Every_job_has_a_name_people_can_read_in_each_language()
    {
        var localizer = App.Services.GetRequiredService<IStringLocalizer<Strings>>();
        var jobs = App.Services.GetRequiredService<JobRunner>().Jobs;
        Assert.NotEmpty(jobs);
        foreach (var culture in new[] { "en", "it", "es", "ar" })
        {
            var before = CultureInfo.CurrentUICulture;
            CultureInfo.CurrentUICulture = new CultureInfo(culture);
            try
            {
                Assert.All(jobs, job => Assert.False(localizer["Jobs.Name." + job.Name].ResourceNotFound, $"{job.Name} has no name in {culture}"));
            }
            finally
            {
                CultureInfo.CurrentUICulture = before;
            }
        }
    }

    [Fact]
    public async Task Two_nodes_never_run_a_job_at_once_and_a_lapsed_lease_is_taken_over()
    {
        var clock = WholeSeconds();
        var name = "test." + Guid.NewGuid().ToString("N");
        var shared = new Counter();
        var first = Runner(clock, new GatedJob(name, shared));
        var second = Runner(clock, new GatedJob(name, shared));
        await first.StartAsync(CancellationToken.None);
        await second.StartAsync(CancellationToken.None);
        try
        {
            await WaitAsync(() => shared.Started == 1, "the job started");

            // Both runners look at least twice while the job runs; only its holder runs it.
            var (a, b) = (first.Rounds, second.Rounds);
            await WaitAsync(() => first.Rounds >= a + 2 && second.Rounds >= b + 2, "both runners looked again");
            Assert.Equal(1, shared.Started);
            Assert.Equal(1, shared.MostAtOnce);
            var row = await RowAsync(name);
            Assert.Contains(row.Holder, new[] { first.Node, second.Node });

            shared.Release();
            await WaitAsync(() => shared.Finished == 1, "the job finished");
            row = await WaitForRowAsync(name, r => r.Holder is null);
            Assert.Equal(1, row.Runs);
            Assert.Equal(clock.GetUtcNow() + TimeSpan.FromHours(1), row.NextRunAt);

            // A node that died with the lease: once it lapses, another node takes the job.
            await App.WithServices(async sp =>
            {
                var db = sp.GetRequiredService<RibaltaDbContext>();
                return await db.Set<JobRun>().Where(j => j.Name == name).ExecuteUpdateAsync(u => u
                    .SetProperty(j => j.Holder, "gone:1:dead")
                    .SetProperty(j => j.LeasedUntil, clock.GetUtcNow() + TimeSpan.FromMinutes(1))
                    .SetProperty(j => j.NextRunAt, clock.GetUtcNow()));
            });
            (a, b) = (first.Rounds, second.Rounds);
            await WaitAsync(() => first.Rounds >= a + 2 && second.Rounds >= b + 2, "both runners looked again");
            Assert.Equal(1, shared.Started);

            clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
            await WaitAsync(() => shared.Started == 2, "the lapsed job was taken over");
            shared.Release();
            row = await WaitForRowAsync(name, r => r.Holder is null && r.Runs == 2);
            Assert.Equal(1, shared.MostAtOnce);
        }
        finally
        {
            shared.Release();
            await first.StopAsync(CancellationToken.None);
            await second.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_failed_run_is_recorded_and_tried_again_sooner_then_a_success_clears_it()
    {
        var clock = WholeSeconds();
        var name = "test." + Guid.NewGuid().ToString("N");
        var job = new FailingJob(name, failures: 2);
        var runner = Runner(clock, job);
        await runner.StartAsync(CancellationToken.None);
        try
        {
            var row = await WaitForRowAsync(name, r => r.Failures == 1 && r.Holder is null);
            Assert.Equal("The disk is full.", row.LastError);
            Assert.Equal(1, row.FailuresInARow);
            Assert.Null(row.LastSucceededAt);
            Assert.Equal(clock.GetUtcNow() + TimeSpan.FromMinutes(1), row.NextRunAt);

            clock.Advance(TimeSpan.FromMinutes(1));
            row = await WaitForRowAsync(name, r => r.Failures == 2 && r.Holder is null);
            Assert.Equal(2, row.FailuresInARow);
            Assert.Equal(clock.GetUtcNow() + TimeSpan.FromMinutes(2), row.NextRunAt);

            clock.Advance(TimeSpan.FromMinutes(2));
            row = await WaitForRowAsync(name, r => r.Runs == 3 && r.Holder is null);
            Assert.Null(row.LastError);
            Assert.Equal(0, row.FailuresInARow);
            Assert.Equal(2, row.Failures);
            Assert.Equal(clock.GetUtcNow(), row.LastSucceededAt);
            Assert.Equal(clock.GetUtcNow() + TimeSpan.FromHours(1), row.NextRunAt);
        }
        finally
        {
            await runner.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>A clock at a whole second: both databases keep times to the microsecond or less, never to the tick.</summary>
    private static FakeTimeProvider WholeSeconds()
    {
        var now = DateTime.UtcNow.Ticks;
        return new(new DateTimeOffset(now - (now % TimeSpan.TicksPerSecond), TimeSpan.Zero));
    }

    private JobRunner Runner(TimeProvider clock, IJob job) => new(
        [job], App.Services.GetRequiredService<IServiceScopeFactory>(), new JobSignal(), clock, App.Services.GetRequiredService<IHostApplicationLifetime>(), NullLogger<JobRunner>.Instance);

    private Task<JobRun> RowAsync(string name) =>
        App.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Set<JobRun>().AsNoTracking().SingleAsync(j => j.Name == name));

    private async Task<JobRun> WaitForRowAsync(string name, Func<JobRun, bool> done)
    {
        JobRun? row = null;
        await WaitAsync(async () => (row = await App.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Set<JobRun>().AsNoTracking().SingleOrDefaultAsync(j => j.Name == name))) is { } r && done(r), $"job {name}'s row");
        return row!;
    }

    private static async Task<List<System.Text.Json.JsonElement>> WaitForJobsAsync(HttpClient admin, Func<List<System.Text.Json.JsonElement>, bool> done)
    {
        List<System.Text.Json.JsonElement> jobs = [];
        await WaitAsync(async () =>
        {
            var response = await admin.GetAsync("/api/v1/jobs");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            jobs = (await response.ReadJsonAsync()).EnumerateArray().ToList();
            return done(jobs);
        }, "the jobs list");
        return jobs;
    }

    private static Task WaitAsync(Func<bool> done, string what) => WaitAsync(() => Task.FromResult(done()), what);

    private static async Task WaitAsync(Func<Task<bool>> done, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!await done())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited 20 s for {what}.");
            }

            await Task.Delay(25);
        }
    }

    private sealed class Counter
    {
        private int _active;
        private int _most;
        private int _started;
        private int _finished;
        private TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Started => Volatile.Read(ref _started);

        public int Finished => Volatile.Read(ref _finished);

        public int MostAtOnce => Volatile.Read(ref _most);

        public Task Gate => Volatile.Read(ref _gate).Task;

        public void Enter()
        {
            Interlocked.Increment(ref _started);
            var now = Interlocked.Increment(ref _active);
            int most;
            while (now > (most = Volatile.Read(ref _most)) && Interlocked.CompareExchange(ref _most, now, most) != most)
            {
            }
        }

        public void Leave()
        {
            Interlocked.Decrement(ref _active);
            Interlocked.Increment(ref _finished);
        }

        public void Release() => Interlocked.Exchange(ref _gate, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>Runs until the test releases it, counting how many of its kind run at once.</summary>
    private sealed class GatedJob(string name, Counter counter) : IJob
    {
        public string Name => name;

        public TimeSpan Interval => TimeSpan.FromHours(1);

        public async Task RunAsync(CancellationToken ct)
        {
            var gate = counter.Gate;
            counter.Enter();
            try
            {
                await gate.WaitAsync(ct);
            }
            finally
            {
                counter.Leave();
            }
        }
    }

    private sealed class FailingJob(string name, int failures) : IJob
    {
        private int _runs;

        public string Name => name;

        public TimeSpan Interval => TimeSpan.FromHours(1);

        public Task RunAsync(CancellationToken ct) =>
            Interlocked.Increment(ref _runs) <= failures ? throw new IOException("The disk is full.") : Task.CompletedTask;
    }
}

[Collection(SqliteCollection.Name)]
[Trait("Suite", "Sqlite")]
public sealed class JobTestsOnSqlite(SqliteAppFixture fixture) : JobTests(fixture.App);

[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class JobTestsOnPostgres(PostgresAppFixture fixture) : JobTests(fixture.App);
