using System.Text.Json;
using Ribalta.Platform.Data;

namespace Ribalta.Platform.Events;

/// <summary>Appends events to the log; they are saved by the same <c>SaveChanges</c> as the state they describe.</summary>
public static class EventLog
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static EventRecord Append(
        this RibaltaDbContext db,
        TimeProvider clock,
        Actor actor,
        string type,
        string subjectType,
        string subjectId,
        object payload,
        Guid? customerId = null)
    {
        var record = new EventRecord
        {
            OccurredAt = clock.GetUtcNow(),
            Type = type,
            ActorKind = actor.Kind,
            ActorId = actor.Id,
            ActorName = actor.Name,
            SubjectType = subjectType,
            SubjectId = subjectId,
            CustomerId = customerId,
            Payload = JsonSerializer.Serialize(payload, Json),
        };
        db.Events.Add(record);
        return record;
    }
}
