namespace Ribalta.Platform.Events;

/// <summary>
/// One kind of event in the log: a record in its module's <c>Contracts/Events/</c> whose properties are the stored
/// payload (webhooks forward it, so its JSON shape is a public contract pinned by <c>EventShapeTests</c>).
/// </summary>
public interface IEvent
{
    /// <summary>Dotted, past tense, written only here: <c>customer.created</c>.</summary>
    static abstract string Type { get; }
}
