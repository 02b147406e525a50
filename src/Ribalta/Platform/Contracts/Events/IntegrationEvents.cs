using Ribalta.Platform.Events;

namespace Ribalta.Platform.Contracts.Events;

// API keys and webhooks. Subjects: the key or the webhook subscription.

public sealed record ApiKeyIssued(string Name, string Prefix, IReadOnlyList<string> Scopes, DateTimeOffset ExpiresAt) : IEvent
{
    public static string Type => "api_key.created";
}

public sealed record ApiKeyRevoked(string Name, string Prefix) : IEvent
{
    public static string Type => "api_key.revoked";
}

/// <summary>A webhook subscribed: its <c>url</c> without the query string, and the event type patterns it receives.</summary>
public sealed record WebhookSubscribed(string Url, IReadOnlyList<string> EventTypes) : IEvent
{
    public static string Type => "webhook.created";
}

/// <summary>A webhook turned off; its <c>url</c> without the query string.</summary>
public sealed record WebhookDeactivated(string Url) : IEvent
{
    public static string Type => "webhook.deactivated";
}

/// <summary>A delivery sent again: the original <c>delivery</c> and the event it carried.</summary>
public sealed record WebhookReplayed(long Delivery, long EventId) : IEvent
{
    public static string Type => "webhook.replayed";
}
