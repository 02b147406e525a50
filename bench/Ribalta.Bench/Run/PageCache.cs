using System.Diagnostics;

namespace Ribalta.Bench.Run;

/// <summary>The kernel's page cache, emptied for cold-read measurements (Linux, as root).</summary>
internal static class PageCache
{
    private const string DropFile = "/proc/sys/vm/drop_caches";

    /// <summary>Writes dirty pages out, then drops clean ones, dentries and inodes; fails loudly where it cannot.</summary>
    public static async Task DropAsync()
    {
        using (var sync = Process.Start(new ProcessStartInfo("sync") { UseShellExecute = false }) ?? throw new InvalidOperationException("sync did not start"))
        {
            await sync.WaitForExitAsync();
        }

        try
        {
            await File.WriteAllTextAsync(DropFile, "3");
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            throw new InvalidOperationException($"--cold needs to write {DropFile} (root on Linux): {ex.Message}", ex);
        }
    }
}
