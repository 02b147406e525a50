using Ribalta.Customers.Contracts;

namespace Ribalta.Customers.Domain;

/// <summary>A person we serve: a name, a language, a situation, and ways to reach them; never just an account number.</summary>
internal sealed class Customer
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required string DisplayName { get; set; }

    public string? PreferredLanguage { get; set; }

    public RelationshipType Relationship { get; set; }

    public Guid? OrganisationId { get; set; }

    /// <summary>Free notes about the person's situation, in staff's words.</summary>
    public string? Notes { get; set; }

    public bool ConsentEmail { get; set; }

    public bool ConsentPhone { get; set; }

    public bool ConsentSurveys { get; set; }

    public bool ConsentMarketing { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Set when this record was merged into another; it then only redirects.</summary>
    public Guid? MergedIntoId { get; set; }

    /// <summary>Optimistic concurrency: a write names the version it read.</summary>
    public int Version { get; set; } = 1;

    public List<ContactPoint> ContactPoints { get; init; } = [];

    public List<CustomerSegment> Segments { get; init; } = [];

    public List<CustomerSearchTerm> SearchTerms { get; init; } = [];

    public ConsentFlags Consent => new(ConsentEmail, ConsentPhone, ConsentSurveys, ConsentMarketing);

    public void SetConsent(ConsentFlags consent)
    {
        ConsentEmail = consent.Email;
        ConsentPhone = consent.Phone;
        ConsentSurveys = consent.Surveys;
        ConsentMarketing = consent.Marketing;
    }

    public void Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
        Version++;
    }
}

internal sealed class ContactPoint
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid CustomerId { get; set; }

    public ContactKind Kind { get; init; }

    /// <summary>As the person gave it.</summary>
    public required string Value { get; init; }

    /// <summary>For matching: lower-case email, digits of a phone, lower-case handle.</summary>
    public required string NormalizedValue { get; init; }

    public static string Normalize(ContactKind kind, string value) => kind switch
    {
        ContactKind.Email => value.Trim().ToLowerInvariant(),
        ContactKind.Phone => Platform.Text.TextFolding.Digits(value),
        _ => value.Trim().TrimStart('@').ToLowerInvariant(),
    };
}

internal sealed class Segment
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required string Name { get; set; }

    public required string NormalizedName { get; set; }

    public string? Description { get; set; }
}

internal sealed class CustomerSegment
{
    public Guid CustomerId { get; init; }

    public Guid SegmentId { get; init; }
}

/// <summary>A company or body some customers belong to. The person stays the unit of service.</summary>
internal sealed class Organisation
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required string Name { get; init; }

    public required string NormalizedName { get; init; }
}

/// <summary>One folded word or contact value of a customer, indexed for prefix search that stays fast at any size.</summary>
internal sealed class CustomerSearchTerm
{
    public Guid CustomerId { get; init; }

    public required string Term { get; init; }
}

/// <summary>A single-use portal sign-in link for a customer. Only the hash of the secret is stored.</summary>
internal sealed class CustomerSignInLink
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid CustomerId { get; init; }

    public required string TokenHash { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? UsedAt { get; set; }
}
