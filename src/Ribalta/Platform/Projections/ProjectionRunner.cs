using Ribalta.Platform.Events;

namespace Ribalta.Platform.Projections;

/// <summary>Wakes the projection runner when events have committed in this process.</summary>
internal sealed class ProjectionSignal : WakeSignal;

internal sealed class ProjectionEventSubscriber(ProjectionSignal signal) : IEventSubscriber
{
    public Task HandleAsync(IReadOnlyList<EventRecord> events, CancellationToken cancellationToken)
    {
        signal.Wake();
        return Task.CompletedTask;
    }
}

/// <summary>Projection settings (section <c>Projections</c>).</summary>
public sealed class ProjectionOptions
{
    public const string Section = "Projections";

    /// <summary>Keep projections current in this process. Off only on a node that must not do it (or to measure without).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Events handed to a projection in one transaction. Larger catches up faster; smaller holds SQLite's write lock for less.</summary>
    public int BatchSize { get; init; } = 2_000;

    /// <summary>
    /// The shortest pause between two rounds when the log is not far ahead: commits arriving in a stream are handled
    /// a few times a second, not once each. A round that fills its batch goes on at once.
    /// </summary>
    public TimeSpan Pause { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How often the log is looked at without being woken (events written by another node).</summary>
    public TimeSpan Poll { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// Keeps every registered projection current: woken when events commit in this process, and every
/// <see cref="ProjectionOptions.Poll"/> for those another node wrote. Several nodes may run it: the feed's cursor
/// lock makes them take turns, each batch is handled once. A projection that fails is tried again next round and
/// does not hold up the others.
/// </summary>
internal sealed partial class ProjectionRunner(
    EventFeed feed, IEnumerable<IProjection> projections, ProjectionSignal signal, Microsoft.Extensions.Options.IOptions<ProjectionOptions> options,
    IHostApplicationLifetime lifetime, ILogger<ProjectionRunner> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        // The schema is migrated while the host starts; the log is read only once it has.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        var all = projections.ToList();
        while (!stoppingToken.IsCancellationRequested)
        {
            var full = false;
            foreach (var projection in all)
            {
                try
                {
                    full |= await feed.ReadAsync(projection, settings.BatchSize, stoppingToken) == settings.BatchSize;
                }
                catch (Exception ex) when (ex is not OperationCanceledException && Data.DbErrors.IsUnavailable(ex))
                {
                    LogDatabaseUnavailable(logger, projection.Name, ex.Message);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogRoundFailed(logger, ex, projection.Name);
                }
            }

            if (full)
            {
                continue;
            }

            await Task.Delay(settings.Pause, stoppingToken);
            await signal.WaitAsync(settings.Poll, stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Projection {Projection} could not reach the database ({Reason}); it tries again")]
    private static partial void LogDatabaseUnavailable(ILogger logger, string projection, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Projection {Projection} failed a round; it tries again")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception, string projection);
}
