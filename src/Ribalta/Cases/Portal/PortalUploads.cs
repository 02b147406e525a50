using Ribalta.Cases.Attachments;
using Ribalta.Platform.Storage;

namespace Ribalta.Cases.Portal;

/// <summary>Files posted with a portal form (multipart, no JavaScript needed).</summary>
internal static class PortalUploads
{
    /// <summary>The files of the form; null when one is over the size limit, which is then refused without reading it whole.</summary>
    public static async Task<IReadOnlyList<IncomingFile>?> ReadAsync(HttpContext http, CancellationToken ct)
    {
        if (!http.Request.HasFormContentType)
        {
            return [];
        }

        var files = new List<IncomingFile>();
        foreach (var file in http.Request.Form.Files.Where(f => f.Name == "files"))
        {
            // An empty file input still posts one nameless, empty part.
            if (file.Length == 0 && string.IsNullOrEmpty(file.FileName))
            {
                continue;
            }

            if (file.Length > AttachmentService.MaxBytes)
            {
                return null;
            }

            await using var stream = file.OpenReadStream();
            var bytes = await BoundedRead.ReadAsync(stream, AttachmentService.MaxBytes, ct);
            if (bytes is null)
            {
                return null;
            }

            files.Add(new IncomingFile(file.FileName, bytes));
        }

        return files;
    }
}
