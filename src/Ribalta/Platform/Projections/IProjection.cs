using Ribalta.Platform.Data;
using Ribalta.Platform.Events;

namespace Ribalta.Platform.Projections;

/// <summary>
/// A read model kept from the event log: a consumer of the <see cref="EventFeed"/> that declares the event types it
/// reads (<see cref="IEventConsumer.Reads"/>) and owns the tables it writes. Its tables change only in
/// <see cref="IEventConsumer.HandleAsync"/>, in the transaction that moves its cursor, so they always match a prefix
/// of the log; and only from the events it is handed, so a rebuild from the whole log gives the same tables. Register
/// one with <c>services.AddProjection&lt;T&gt;()</c>; the <see cref="ProjectionRunner"/> keeps it current.
/// </summary>
public interface IProjection : IEventConsumer
{
    /// <summary>The entity types of the tables the projection owns: emptied by a rebuild, compared by the tests.</summary>
    IReadOnlyList<Type> Tables { get; }

    FeedStart IEventConsumer.StartsAt => FeedStart.Beginning;

    new IReadOnlySet<string> Reads { get; }

    IReadOnlySet<string>? IEventConsumer.Reads => Reads;
}

/// <summary>A projection's place in the log, as the API and the rebuild command show it.</summary>
/// <param name="Name">The projection's cursor name, the one <c>rebuild NAME</c> takes.</param>
/// <param name="Position">The last event id it has handled.</param>
/// <param name="Last">The last event id in the log.</param>
/// <param name="LagSeconds">How long ago the first event it has not handled yet happened (0 when it is current).</param>
public sealed record ProjectionStatus(string Name, long Position, long Last, double LagSeconds);
