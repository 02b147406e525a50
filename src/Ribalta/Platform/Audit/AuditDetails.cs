using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Ribalta.Platform.Audit;

/// <summary>One field of an event as a person reads it: its name and its value in plain words (a person's id as their name).</summary>
public sealed record AuditField(string Name, string Value);

/// <summary>
/// Turns an event's stored JSON into readable fields: strings unescaped ("Sí", not <c>S\u00ED</c>), lists joined, nested
/// values as compact JSON without escapes, and ids of staff shown as their names.
/// </summary>
public static partial class AuditDetails
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The ids (GUIDs) a page of payloads mentions, to look their names up in one query.</summary>
    public static IEnumerable<Guid> Ids(IEnumerable<string> payloads) =>
        payloads.SelectMany(p => GuidPattern().Matches(p).Select(m => Guid.Parse(m.Value))).Distinct();

    public static IReadOnlyList<AuditField> Fields(string payload, IReadOnlyDictionary<Guid, string> names)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(payload);
        }
        catch (JsonException)
        {
            return [new AuditField("", payload)];
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return [new AuditField("", Value(document.RootElement, names))];
            }

            return document.RootElement.EnumerateObject().Select(p => new AuditField(p.Name, Value(p.Value, names))).ToList();
        }
    }

    private static string Value(JsonElement value, IReadOnlyDictionary<Guid, string> names) => value.ValueKind switch
    {
        JsonValueKind.String when value.TryGetGuid(out var id) && names.TryGetValue(id, out var name) => name,
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.Null or JsonValueKind.Undefined => "—",
        JsonValueKind.True or JsonValueKind.False or JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.Array when value.EnumerateArray().All(e => e.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array)) =>
            string.Join(", ", value.EnumerateArray().Select(e => Value(e, names))),
        _ => JsonSerializer.Serialize(value, Relaxed),
    };

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex GuidPattern();
}
