using System.Globalization;

namespace Ribalta.Bench.Run;

/// <summary>How busy the machine was when a measurement started: the 1-minute load average and anything heavy still running.</summary>
internal sealed record MachineState(bool Quiet, double LoadAverage, TimeSpan Waited, IReadOnlyList<string> Busy);

/// <summary>
/// Waits until the machine is quiet before a measurement: no build, test run, browser or compiler server using
/// CPU (sampled over 15 s from /proc, so a process that merely exists does not count), and a 1-minute load average
/// below 0.7. Gives up after a limit and says so, so a report can never pass off a noisy run as a quiet one.
/// </summary>
internal static class QuietMachine
{
    public const double MaxLoad = 0.7;

    private static readonly string[] Heavy = ["dotnet build", "dotnet test", "testhost", "vstest", "MSBuild.dll", "VBCSCompiler", "chromium", "chrome", "headless_shell"];
    private static readonly TimeSpan Sample = TimeSpan.FromSeconds(15);

    /// <summary>CPU time so far of every heavy process; compare two with <see cref="BusyBetween"/>.</summary>
    public static IReadOnlyDictionary<int, (string Name, long Ticks)> Snapshot(IReadOnlyCollection<int> ignore) => CpuTicks(ignore);

    /// <summary>Heavy processes that used more than 5% of a core between two snapshots.</summary>
    public static IReadOnlyList<string> BusyBetween(IReadOnlyDictionary<int, (string Name, long Ticks)> before, IReadOnlyDictionary<int, (string Name, long Ticks)> after, TimeSpan elapsed) =>
        after.Where(p => p.Value.Ticks - (before.TryGetValue(p.Key, out var b) ? b.Ticks : 0) > elapsed.TotalSeconds * 100 * 0.05)
            .Select(p => $"{p.Value.Name} (pid {p.Key})").ToList();

    public static double LoadAverage() =>
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);

    /// <summary>Polls every 15 s for up to <paramref name="limit"/>; processes in <paramref name="ignore"/> (the server measured) never count.</summary>
    public static async Task<MachineState> WaitAsync(TimeSpan limit, IReadOnlyCollection<int> ignore)
    {
        var waited = TimeSpan.Zero;
        while (true)
        {
            var before = CpuTicks(ignore);
            await Task.Delay(Sample);
            waited += Sample;
            var busy = BusyBetween(before, CpuTicks(ignore), Sample);
            var load = LoadAverage();
            if (busy.Count == 0 && load < MaxLoad)
            {
                return new MachineState(true, load, waited, []);
            }

            if (waited >= limit)
            {
                return new MachineState(false, load, waited, busy);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  waiting for a quiet machine ({Generate.Progress.Format(waited)}): load {load:F2}{(busy.Count > 0 ? ", busy: " + string.Join(", ", busy) : "")}"));
        }
    }

    /// <summary>CPU time so far (in 1/100 s clock ticks) of every heavy process, by pid.</summary>
    private static Dictionary<int, (string Name, long Ticks)> CpuTicks(IReadOnlyCollection<int> ignore)
    {
        var heavy = new Dictionary<int, (string, long)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || pid == Environment.ProcessId || ignore.Contains(pid))
            {
                continue;
            }

            try
            {
                var command = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                var match = Array.Find(Heavy, h => command.Contains(h, StringComparison.Ordinal));
                if (match is null)
                {
                    continue;
                }

                // utime and stime are the 14th and 15th fields; the name (2nd) may hold spaces, so count from its ')'.
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                heavy[pid] = (match, long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture));
            }
            catch (IOException)
            {
                // The process ended while being looked at.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return heavy;
    }
}
