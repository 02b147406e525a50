using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Ribalta.Tests.Infrastructure;

/// <summary>
/// Keeps the application's warnings and errors (the last few hundred), so that a test that times out waiting for
/// background work can say what that work reported instead.
/// </summary>
public sealed class RecordingLoggerProvider : ILoggerProvider
{
    private const int Capacity = 500;

    private readonly ConcurrentQueue<string> _entries = new();

    public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

    /// <summary>The entries whose category contains <paramref name="category"/>, oldest first.</summary>
    public IReadOnlyList<string> From(string category) => _entries.Where(e => e.Contains(category, StringComparison.Ordinal)).ToList();

    public void Dispose()
    {
    }

    private void Add(string entry)
    {
        _entries.Enqueue(entry);
        while (_entries.Count > Capacity && _entries.TryDequeue(out _))
        {
        }
    }

    private sealed class Recorder(RecordingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : " " + exception.GetType().Name + ": " + exception.Message)}");
            }
        }
    }
}
