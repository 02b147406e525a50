using System.Diagnostics;
using System.Globalization;

namespace Ribalta.Bench.Generate;

/// <summary>
/// One console line per phase that updates in place: rows done, rate, share done and time left. When the output
/// is not a terminal (a log file), a plain line every ten seconds instead. Keeps each phase's duration for the summary.
/// </summary>
internal sealed class Progress
{
    private readonly Stopwatch _total = Stopwatch.StartNew();
    private readonly Stopwatch _phase = new();
    private readonly TimeSpan _every = Console.IsOutputRedirected ? TimeSpan.FromSeconds(10) : TimeSpan.FromMilliseconds(250);
    private readonly List<(string Name, TimeSpan Took)> _phases = [];
    private string? _name;
    private TimeSpan _last;
    private int _width;

    public IReadOnlyList<(string Name, TimeSpan Took)> Phases => _phases;

    public TimeSpan Elapsed => _total.Elapsed;

    /// <summary>Ends the current phase (if any) and starts the next.</summary>
    public void Phase(string name)
    {
        EndPhase();
        _name = name;
        _last = TimeSpan.Zero;
        _phase.Restart();
        Write($"{name}...");
    }

    /// <summary><paramref name="done"/> is the share of the phase finished, 0 to 1, for the time left.</summary>
    public void Rows(long rows, double done)
    {
        if (_phase.Elapsed - _last < _every)
        {
            return;
        }

        _last = _phase.Elapsed;
        var seconds = Math.Max(0.001, _phase.Elapsed.TotalSeconds);
        var left = done > 0.001 ? TimeSpan.FromSeconds(seconds * (1 - done) / done) : (TimeSpan?)null;
        Write(string.Create(CultureInfo.InvariantCulture,
            $"{_name}: {rows:N0} rows, {rows / seconds:N0} rows/s, {done:P0}, {(left is { } l ? $"ETA {Format(l)}" : "ETA ?")}, {Format(_phase.Elapsed)} so far"));
    }

    /// <summary>A step inside a phase, such as one index being built.</summary>
    public void Step(string what) => Write($"{_name}: {what} ({Format(_phase.Elapsed)} so far)");

    public void EndPhase()
    {
        if (_name is null)
        {
            return;
        }

        _phases.Add((_name, _phase.Elapsed));
        Write($"{_name}: done in {Format(_phase.Elapsed)}");
        if (!Console.IsOutputRedirected)
        {
            Console.WriteLine();
        }

        _name = null;
        _width = 0;
    }

    public static string Format(TimeSpan t) => t.TotalHours >= 1
        ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
        : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m{t.Seconds:00}s" : string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:F1}s");

    private void Write(string line)
    {
        if (Console.IsOutputRedirected)
        {
            Console.WriteLine(line);
            return;
        }

        Console.Write("\r" + line.PadRight(_width));
        _width = line.Length;
    }
}
