using Ribalta.Customers.Contracts;
using Ribalta.Customers.Domain;

namespace Ribalta.Customers.Shared;

/// <summary>What the customer form binds to; converts to and from the API's <see cref="CustomerInput"/>.</summary>
public sealed class CustomerFormModel
{
    public string? DisplayName { get; set; }

    public string? PreferredLanguage { get; set; }

    public RelationshipType Relationship { get; set; } = RelationshipType.EndConsumer;

    public string? Organisation { get; set; }

    public string? Emails { get; set; }

    public string? Phones { get; set; }

    public string? Handles { get; set; }

    public HashSet<Guid> SegmentIds { get; init; } = [];

    public string? Notes { get; set; }

    public bool ConsentEmail { get; set; }

    public bool ConsentPhone { get; set; }

    public bool ConsentSurveys { get; set; }

    public bool ConsentMarketing { get; set; }

    public CustomerInput ToInput() => new(
        DisplayName,
        PreferredLanguage,
        Relationship,
        Organisation,
        Lines(Emails),
        Lines(Phones),
        Lines(Handles),
        SegmentIds.ToList(),
        Notes,
        new ConsentFlags(ConsentEmail, ConsentPhone, ConsentSurveys, ConsentMarketing));

    public static CustomerFormModel From(CustomerDetails customer) => new()
    {
        DisplayName = customer.DisplayName,
        PreferredLanguage = customer.PreferredLanguage,
        Relationship = customer.Relationship,
        Organisation = customer.Organisation,
        Emails = Join(customer, ContactKind.Email),
        Phones = Join(customer, ContactKind.Phone),
        Handles = Join(customer, ContactKind.Handle),
        SegmentIds = customer.Segments.Select(s => s.Id).ToHashSet(),
        Notes = customer.Notes,
        ConsentEmail = customer.Consent.Email,
        ConsentPhone = customer.Consent.Phone,
        ConsentSurveys = customer.Consent.Surveys,
        ConsentMarketing = customer.Consent.Marketing,
    };

    private static string Join(CustomerDetails customer, ContactKind kind) =>
        string.Join('\n', customer.ContactPoints.Where(p => p.Kind == kind).Select(p => p.Value));

    private static List<string> Lines(string? text) =>
        (text ?? "").Split(['\n', '\r', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
