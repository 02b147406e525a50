using System.Runtime.InteropServices;

namespace Ribalta.Platform;

/// <summary>
/// Native memory on Linux with glibc. SQLite's page caches and prepared statements are allocated with <c>malloc</c>
/// by whichever thread-pool thread runs a query, and glibc gives threads that meet in <c>malloc</c> arenas of their
/// own, up to eight per core, each keeping what was freed in it. After the benchmark's writes on the 2-core reference
/// node that was 117 MB of native heap in ten arenas; two arenas hold the same work in far less, with no measurable
/// cost on two cores (docs/performance.md, 2026-12-07). An operator's own <c>MALLOC_ARENA_MAX</c> is left alone.
/// </summary>
internal static class NativeMemory
{
    /// <summary><c>M_ARENA_MAX</c> in glibc's malloc.h.</summary>
    private const int ArenaMaxOption = -8;

    public const int Arenas = 2;

    public static void LimitMallocArenas()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is not null)
        {
            return;
        }

        try
        {
            _ = Mallopt(ArenaMaxOption, Arenas);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl, say): its allocator has no per-thread arenas to limit.
        }
    }

#pragma warning disable SYSLIB1054 // Two ints, nothing to marshal: LibraryImport would only add unsafe code to the project.
    [DllImport("libc.so.6", EntryPoint = "mallopt", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Mallopt(int option, int value);
#pragma warning restore SYSLIB1054
}
