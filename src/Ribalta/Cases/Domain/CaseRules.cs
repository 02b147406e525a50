using Ribalta.Cases.Contracts;
using Ribalta.Cases.Data;
using Ribalta.Platform.Errors;

namespace Ribalta.Cases.Domain;

internal static class CaseRules
{
    public const int MaxTags = 20;

    /// <summary>Tags are short, lower-case, without spaces: "billing", "late-delivery".</summary>
    public static IReadOnlyList<string> NormalizeTags(IEnumerable<string> tags) =>
        tags.Select(t => t.Trim().ToLowerInvariant().Replace(' ', '-')).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Files sent with a customer's message: each checked, at most a handful.</summary>
    public static IReadOnlyList<Attachments.CheckedFile> Files(ValidationBuilder v, IReadOnlyList<Attachments.IncomingFile>? files)
    {
        if (files is null || files.Count == 0)
        {
            return [];
        }

        if (files.Count > Attachments.AttachmentService.MaxFilesPerMessage)
        {
            v.Add("files", "Validation.TooManyFiles", Attachments.AttachmentService.MaxFilesPerMessage);
            return [];
        }

        return files.Select(f => Attachments.AttachmentService.Check(v, f, "files", "files")).OfType<Attachments.CheckedFile>().ToList();
    }

    public static void Tags(ValidationBuilder v, IReadOnlyList<string> tags)
    {
        if (tags.Count > MaxTags)
        {
            v.Add("tags", "Validation.TooManyTags", MaxTags);
        }

        if (tags.FirstOrDefault(t => t.Length > 50 || t.Any(char.IsControl)) is { } bad)
        {
            v.Add("tags", "Validation.TagInvalid", bad);
        }
    }
}
