namespace Ribalta.Customers.Contracts;

/// <summary>How the person relates to us; their expectations differ, so analytics weigh them apart.</summary>
public enum RelationshipType
{
    EndConsumer,
    Distributor,
    Retailer,
    Agent,
    Partner,
}

public enum ContactKind
{
    Email,
    Phone,
    Handle,
}

public sealed record ConsentFlags(bool Email, bool Phone, bool Surveys, bool Marketing);

public sealed record ContactPointDto(ContactKind Kind, string Value);

public sealed record SegmentDto(Guid Id, string Name, string? Description);

/// <summary>What staff and integrations see of a customer.</summary>
public sealed record CustomerDetails(
    Guid Id,
    string DisplayName,
    string? PreferredLanguage,
    RelationshipType Relationship,
    string? Organisation,
    IReadOnlyList<ContactPointDto> ContactPoints,
    IReadOnlyList<SegmentDto> Segments,
    string? Notes,
    ConsentFlags Consent,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int Version,
    Guid? MergedIntoId);

/// <summary>A row in a list of customers.</summary>
public sealed record CustomerSummary(
    Guid Id,
    string DisplayName,
    string? PrimaryEmail,
    string? PrimaryPhone,
    string? PreferredLanguage,
    RelationshipType Relationship,
    string? Organisation,
    DateTimeOffset CreatedAt);

public sealed record CustomerPage(IReadOnlyList<CustomerSummary> Items, string? Next);

/// <summary>The least another module needs to know of a person.</summary>
public sealed record CustomerRef(Guid Id, string DisplayName, string? PreferredLanguage, Guid? MergedIntoId);

/// <summary>How other modules look customers up without reaching into the Customers module.</summary>
public interface ICustomerDirectory
{
    Task<CustomerRef?> FindAsync(Guid id, CancellationToken cancellationToken);

    Task<IReadOnlyDictionary<Guid, string>> NamesAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken);

    /// <summary>People found by name, email, handle or phone, as the customer search finds them.</summary>
    Task<IReadOnlyList<CustomerSummary>> FindByTextAsync(string text, int limit, CancellationToken cancellationToken);

    /// <summary>The segments a person belongs to (empty for an unknown id).</summary>
    Task<IReadOnlyList<Guid>> SegmentIdsAsync(Guid customerId, CancellationToken cancellationToken);

    /// <summary>Every segment, by name.</summary>
    Task<IReadOnlyList<SegmentDto>> SegmentsAsync(CancellationToken cancellationToken);

    /// <summary>The whole profile, for a case page beside the conversation.</summary>
    Task<CustomerDetails?> DetailsAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>
    /// The customer wrote in <paramref name="language"/>: recorded as theirs when none is known yet (a language
    /// someone chose is never overwritten). Staged in the caller's unit of work, saved with it.
    /// </summary>
    Task LearnLanguageAsync(Guid customerId, string language, CancellationToken cancellationToken);

    /// <summary>The person who owns this email, phone or handle (following merges), or null.</summary>
    Task<CustomerRef?> FindByContactAsync(ContactKind kind, string value, CancellationToken cancellationToken);

    /// <summary>The owners of many contacts at once (following merges), keyed by the contact as given; unknown ones are left out.</summary>
    Task<IReadOnlyDictionary<(ContactKind Kind, string Value), CustomerRef>> FindByContactsAsync(
        IReadOnlyCollection<(ContactKind Kind, string Value)> contacts, CancellationToken cancellationToken);

    /// <summary>
    /// Someone new wrote in: creates the person with this contact point, in the caller's transaction when there is one.
    /// Expected failures (an invalid value, the contact taken meanwhile) come back as errors.
    /// </summary>
    Task<Platform.Errors.Result<CustomerRef>> CreateFromContactAsync(Platform.Events.Actor actor, string? name, ContactKind kind, string value, string? language, CancellationToken cancellationToken);

    /// <summary>Someone who has not said how to reach them (a chat visitor): a person with a name and perhaps a language.</summary>
    Task<Platform.Errors.Result<CustomerRef>> CreatePersonAsync(Platform.Events.Actor actor, string name, string? language, CancellationToken cancellationToken);

    /// <summary>
    /// Gives a person a way to reach them, when nobody has it yet: true when added, false when another person owns it
    /// (or the person has no room left). Saved at once, outside any caller's transaction.
    /// </summary>
    Task<bool> AddContactAsync(Platform.Events.Actor actor, Guid customerId, ContactKind kind, string value, CancellationToken cancellationToken);
}

/// <summary>
/// A panel another module adds to a customer's page (planned kindness, important moments): a component that takes the
/// customer's id as its <c>CustomerId</c> parameter. Registered in the container; drawn in <see cref="Order"/>.
/// </summary>
public sealed record CustomerPanel(Type Component, int Order);
