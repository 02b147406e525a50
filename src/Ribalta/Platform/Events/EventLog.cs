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

    /// <summary>
    /// The event as its record type: the appended record in this process, else read back from the stored payload.
    /// The caller checks <see cref="EventRecord.Type"/> first (<c>record.Type == TEvent.Type</c>).
    /// </summary>
    public static TEvent Read<TEvent>(this EventRecord record)
        where TEvent : class, IEvent =>
        record.Data as TEvent ?? JsonSerializer.Deserialize<TEvent>(record.Payload, Json)
            ?? throw new JsonException($"Event {record.Id} ({record.Type}) has an empty payload");

    private static JsonSerializerOptions CreateJson()
    {
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

        // Read-only with its resolver from the start, so the shape test can read the metadata the log writes with.
        json.MakeReadOnly(populateMissingResolver: true);
        return json;
    }
}
