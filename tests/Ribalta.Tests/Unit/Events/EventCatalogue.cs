using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Ribalta.Platform.Events;

namespace Ribalta.Tests.Unit.Events;

/// <summary>
/// Every event the product writes (each <see cref="IEvent"/> record in the Ribalta assembly), and the JSON shape its
/// payload is stored and forwarded with, worked out from the serializer's own metadata for the log's options.
/// </summary>
internal static class EventCatalogue
{
    public static IReadOnlyList<(Type Record, string Type)> All { get; } = typeof(IEvent).Assembly.GetTypes()
        .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IEvent).IsAssignableFrom(t))
        .Select(t => (t, (string)t.GetProperty("Type", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!))
        .OrderBy(e => e.Item2, StringComparer.Ordinal)
        .ToList();

    /// <summary>
    /// The payload's fields, in the order they are written, each as a path (<c>grants[].option</c>) and its JSON kind:
    /// <c>string</c>, <c>number</c>, <c>boolean</c>, <c>array</c> or <c>object</c>, with <c>| null</c> when it may be null
    /// and <c>(left out when null)</c> when a null is not written at all.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Shape(Type record)
    {
        var fields = new List<KeyValuePair<string, string>>();
        AddProperties(record, "", fields);
        return fields;
    }

    private static readonly NullabilityInfoContext Nullability = new();

    private static JsonSerializerOptions Options => EventLog.Json;

    private static void AddProperties(Type type, string prefix, List<KeyValuePair<string, string>> fields)
    {
        foreach (var property in Options.GetTypeInfo(type).Properties)
        {
            var clr = property.AttributeProvider as PropertyInfo
                ?? throw new InvalidOperationException($"{type.Name}.{property.Name} is not a property; describe it here before using it in an event.");
            var optional = clr.GetCustomAttribute<JsonIgnoreAttribute>() is { Condition: JsonIgnoreCondition.WhenWritingNull or JsonIgnoreCondition.WhenWritingDefault };
            Add(property.PropertyType, Nullability.Create(clr), prefix + property.Name, optional, fields);
        }
    }

    private static void Add(Type type, NullabilityInfo nullability, string path, bool optional, List<KeyValuePair<string, string>> fields)
    {
        var plain = Nullable.GetUnderlyingType(type) ?? type;
        var info = Options.GetTypeInfo(plain);
        var kind = info.Kind switch
        {
            JsonTypeInfoKind.Object => "object",
            JsonTypeInfoKind.Enumerable => "array",
            JsonTypeInfoKind.Dictionary => "object (map)",
            _ => ValueKind(plain),
        };
        var nullable = nullability.ReadState == NullabilityState.Nullable ? " | null" : "";
        fields.Add(new(path, kind + nullable + (optional ? " (left out when null)" : "")));
        if (info.Kind == JsonTypeInfoKind.Object)
        {
            AddProperties(plain, path + ".", fields);
        }
        else if (info.Kind == JsonTypeInfoKind.Enumerable)
        {
            var element = nullability.ElementType ?? nullability.GenericTypeArguments.Single();
            Add(info.ElementType!, element, path + "[]", optional: false, fields);
        }
    }

    /// <summary>What the serializer writes for a value of the type (an enum by name, a date as text, a number).</summary>
    private static string ValueKind(Type type) =>
        type == typeof(string)
            ? "string"
            : JsonSerializer.SerializeToElement(Activator.CreateInstance(type), type, Options).ValueKind switch
            {
                JsonValueKind.String => "string",
                JsonValueKind.Number => "number",
                JsonValueKind.True or JsonValueKind.False => "boolean",
                var other => throw new InvalidOperationException($"{type.Name} is written as {other}; describe it here before using it in an event."),
            };
}
