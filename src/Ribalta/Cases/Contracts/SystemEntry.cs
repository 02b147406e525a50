using System.Text.Json;
using Microsoft.Extensions.Localization;

namespace Ribalta.Cases.Contracts;

/// <summary>
/// The words of a system entry in a conversation: a localization key and its arguments, stored as JSON in the
/// message body so that every reader (and an integration) gets it in their own language.
/// </summary>
public sealed record SystemEntry(string Key, IReadOnlyList<string> Args)
{
    public string ToBody() => JsonSerializer.Serialize(this);

    public static SystemEntry? Parse(string body)
    {
        try
        {
            return JsonSerializer.Deserialize<SystemEntry>(body) is { Key.Length: > 0 } entry ? entry with { Args = entry.Args ?? [] } : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The entry in the reader's language; the stored text when it is not an entry.</summary>
    public static string Render(string body, IStringLocalizer localizer) =>
        Parse(body) is { } entry ? localizer[entry.Key, entry.Args.Cast<object>().ToArray()] : body;
}
