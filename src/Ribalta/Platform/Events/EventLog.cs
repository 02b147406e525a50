using System.Text.Json;
using System.Text.Json.Serialization;
using Ribalta.Platform.Data;

namespace Ribalta.Platform.Events;

/// <summary>Appends events to the log; they are saved by the same <c>SaveChanges</c> as the state they describe.</summary>
public static class EventLog
{
    /// <summary>How payloads are written: camelCase names, nulls kept, enums by name (as <c>ToString()</c> writes them).</summary>
    internal static readonly JsonSerializerOptions Json = CreateJson();

    /// <summary>Appends <paramref name="data"/> as an event of type <c>TEvent.Type</c>; the record keeps it for in-process subscribers.</summary>
    public static EventRecord Append<TEvent>(
        this RibaltaDbContext db,
        TimeProvider clock,
        Actor actor,
        TEvent data,
        string subjectType,
        string subjectId,
        Guid? customerId = null)
        where TEvent : class, IEvent
    {
        var record = new EventRecord
        {
            OccurredAt = clock.GetUtcNow(),
            Type = TEvent.Type,
            ActorKind = actor.Kind,
            ActorId = actor.Id,
            ActorName = actor.Name,
            SubjectType = subjectType,
            SubjectId = subjectId,
            CustomerId = customerId,
            Payload = JsonSerializer.Serialize(data, Json),
            Data = data,
        };
        db.Events.Add(record);
        return record;
    }

    private static JsonSerializerOptions CreateJson()
    {
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

        // Read-only with its resolver from the start, so the shape test can read the metadata the log writes with.
        json.MakeReadOnly(populateMissingResolver: true);
        return json;
    }
}
