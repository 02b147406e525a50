using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Ribalta.Platform.Data;

namespace Ribalta.Platform.Storage;

/// <summary>Stored content, addressed by its SHA-256: the same file uploaded twice is kept once.</summary>
public interface IBlobStore
{
    /// <summary>Stores the bytes and returns their hex SHA-256.</summary>
    Task<string> PutAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    Stream? OpenRead(string sha256);
}

/// <summary>Blobs as files under the data directory, fanned out by hash prefix. An object store can replace it.</summary>
internal sealed class FileSystemBlobStore(IOptions<DatabaseOptions> options) : IBlobStore
{
    private readonly string _root = Path.Combine(Path.GetFullPath(options.Value.DataDirectory), "blobs");

    public async Task<string> PutAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(content.Span));
        var path = PathFor(hash);
        if (File.Exists(path))
        {
            return hash;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);

        // Write aside, flush to disk, then rename: a crash never leaves a half-written blob under its hash.
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
        {
            await file.WriteAsync(content, cancellationToken);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        return hash;
    }

    public Stream? OpenRead(string sha256)
    {
        if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigitLower))
        {
            return null;
        }

        var path = PathFor(sha256);
        return File.Exists(path) ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous) : null;
    }

    private string PathFor(string hash) => Path.Combine(_root, hash[..2], hash[2..4], hash);
}
