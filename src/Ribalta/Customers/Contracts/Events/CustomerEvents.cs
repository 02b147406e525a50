using System.Text.Json.Serialization;
using Ribalta.Platform.Events;

namespace Ribalta.Customers.Contracts.Events;

// A customer's record; each has the customer as its subject and on its timeline, except the import and segments.

/// <summary>
/// A customer created: by a person (with how many contact points) or by an import (<c>source</c> is <c>import</c>).
/// </summary>
public sealed record CustomerCreated(
    string DisplayName,
    string? PreferredLanguage,
    RelationshipType Relationship,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ContactPoints,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Source = null) : IEvent
{
    public static string Type => "customer.created";
}

/// <summary>A customer edited: the names of the <c>fields</c> changed, or the kind of contact point <c>added</c> (by the intake).</summary>
public sealed record CustomerEdited(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Fields,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ContactKind? Added = null) : IEvent
{
    public static string Type => "customer.edited";
}

/// <summary>Another customer (<c>sourceId</c>) was merged into this one, bringing its contact points.</summary>
public sealed record CustomerMerged(Guid SourceId, string SourceName, int MovedContactPoints) : IEvent
{
    public static string Type => "customer.merged";
}

/// <summary>The customer's language was learned from what they wrote.</summary>
public sealed record CustomerLanguageLearned(string Language) : IEvent
{
    public static string Type => "customer.language_learned";
}

/// <summary>An import finished; its subject is the import (a fresh id), <c>imported</c> how many customers it created.</summary>
public sealed record CustomersImported(int Imported) : IEvent
{
    public static string Type => "customers.imported";
}

public sealed record CustomerPortalLinkIssued(DateTimeOffset ExpiresAt) : IEvent
{
    public static string Type => "customer.portal_link_issued";
}

public sealed record CustomerPortalSignedIn : IEvent
{
    public static string Type => "customer.portal_signed_in";
}

public sealed record SegmentCreated(string Name) : IEvent
{
    public static string Type => "segment.created";
}
