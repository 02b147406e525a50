using Microsoft.EntityFrameworkCore;
using Ribalta.Customers.Contracts;
using Ribalta.Customers.Data;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Localization;
using Ribalta.Platform.Text;

namespace Ribalta.Customers.Domain;

/// <summary>What staff type about a customer, for create and edit alike. Everything optional but the name.</summary>
public sealed record CustomerInput(
    string? DisplayName,
    string? PreferredLanguage = null,
    RelationshipType? Relationship = null,
    string? Organisation = null,
    IReadOnlyList<string>? Emails = null,
    IReadOnlyList<string>? Phones = null,
    IReadOnlyList<string>? Handles = null,
    IReadOnlyList<Guid>? SegmentIds = null,
    string? Notes = null,
    ConsentFlags? Consent = null)
{
    public const int MaxContactPoints = 10;

    public IEnumerable<(ContactKind Kind, string Value)> ContactPoints() =>
        (Emails ?? []).Select(e => (ContactKind.Email, e.Trim()))
            .Concat((Phones ?? []).Select(p => (ContactKind.Phone, p.Trim())))
            .Concat((Handles ?? []).Select(h => (ContactKind.Handle, h.Trim())))
            .Where(c => c.Item2.Length > 0);
}

/// <summary>Checks and applies a <see cref="CustomerInput"/>; shared by create, edit and import.</summary>
internal sealed class CustomerInputRules(RibaltaDbContext db)
{
    /// <summary>Shape rules that need no database: lengths, formats, known values.</summary>
    public static ValidationBuilder ValidateShape(CustomerInput input)
    {
        var v = new ValidationBuilder()
            .Required("displayName", input.DisplayName, CustomerConfiguration.NameMax)
            .NoControlCharacters("displayName", input.DisplayName)
            .MaxLength("notes", input.Notes, CustomerConfiguration.NotesMax)
            .MaxLength("organisation", input.Organisation, 200)
            .NoControlCharacters("organisation", input.Organisation);

        if (input.PreferredLanguage is { Length: > 0 } language && !SupportedCultures.IsSupported(language))
        {
            v.Add("preferredLanguage", "Validation.LanguageUnsupported", language);
        }

        if (input.Relationship is { } relationship && !Enum.IsDefined(relationship))
        {
            v.Add("relationship", "Validation.Invalid");
        }

        var contacts = input.ContactPoints().ToList();
        if (contacts.Count > CustomerInput.MaxContactPoints)
        {
            v.Add("contactPoints", "Validation.TooMany", CustomerInput.MaxContactPoints);
        }

        foreach (var email in contacts.Where(c => c.Kind == ContactKind.Email))
        {
            if (!ValidationBuilder.IsEmail(email.Value))
            {
                v.Add("emails", "Validation.EmailNamed", email.Value);
            }
        }

        foreach (var phone in contacts.Where(c => c.Kind == ContactKind.Phone))
        {
            var digits = TextFolding.Digits(phone.Value);
            if (digits.Length is < 5 or > 20 || phone.Value.Any(c => !char.IsAsciiDigit(c) && c is not (' ' or '+' or '-' or '(' or ')' or '.' or '/')))
            {
                v.Add("phones", "Validation.PhoneNamed", phone.Value);
            }
        }

        foreach (var handle in contacts.Where(c => c.Kind == ContactKind.Handle))
        {
            if (handle.Value.Length > 100 || handle.Value.Any(char.IsWhiteSpace))
            {
                v.Add("handles", "Validation.HandleNamed", handle.Value);
            }
        }

        return v;
    }

    /// <summary>Rules that need the database: segments exist, emails and handles not already someone else's.</summary>
    public async Task<Error?> ValidateAsync(CustomerInput input, Guid? customerId, CancellationToken ct)
    {
        var v = ValidateShape(input);
        if (!v.IsValid)
        {
            return v.ToError();
        }

        var segmentIds = (input.SegmentIds ?? []).Distinct().ToList();
        if (segmentIds.Count > 0)
        {
            var known = await db.Set<Segment>().CountAsync(s => segmentIds.Contains(s.Id), ct);
            if (known != segmentIds.Count)
            {
                v.Add("segmentIds", "Validation.SegmentUnknown");
            }
        }

        var unique = input.ContactPoints()
            .Where(c => c.Kind != ContactKind.Phone)
            .Select(c => (c.Kind, Normalized: ContactPoint.Normalize(c.Kind, c.Value)))
            .ToList();
        if (unique.Count > 0)
        {
            var values = unique.Select(u => u.Normalized).ToList();
            var taken = await db.Set<ContactPoint>().AsNoTracking()
                .Where(p => p.Kind != ContactKind.Phone && values.Contains(p.NormalizedValue) && p.CustomerId != customerId)
                .Join(db.Set<Customer>(), p => p.CustomerId, c => c.Id, (p, c) => new { p.Kind, p.NormalizedValue, c.DisplayName })
                .ToListAsync(ct);
            foreach (var clash in taken.Where(t => unique.Contains((t.Kind, t.NormalizedValue))))
            {
                v.Add(clash.Kind == ContactKind.Email ? "emails" : "handles", "Validation.ContactTaken", clash.NormalizedValue, clash.DisplayName);
            }
        }

        return v.ToError();
    }

    /// <summary>Applies validated input to the entity, including contact points, segments, organisation and search terms.</summary>
    public async Task ApplyAsync(Customer customer, CustomerInput input, CancellationToken ct)
    {
        customer.DisplayName = input.DisplayName!.Trim();
        customer.PreferredLanguage = string.IsNullOrWhiteSpace(input.PreferredLanguage) ? null : input.PreferredLanguage;
        customer.Relationship = input.Relationship ?? RelationshipType.EndConsumer;
        customer.Notes = string.IsNullOrWhiteSpace(input.Notes) ? null : input.Notes.Trim();
        customer.SetConsent(input.Consent ?? new ConsentFlags(false, false, false, false));

        var organisation = await FindOrCreateOrganisationAsync(input.Organisation, ct);
        customer.OrganisationId = organisation?.Id;

        var wanted = input.ContactPoints()
            .Select(c => (c.Kind, c.Value, Normalized: ContactPoint.Normalize(c.Kind, c.Value)))
            .DistinctBy(c => (c.Kind, c.Normalized))
            .ToList();
        customer.ContactPoints.RemoveAll(existing => !wanted.Any(w => w.Kind == existing.Kind && w.Normalized == existing.NormalizedValue));
        foreach (var (kind, value, normalized) in wanted)
        {
            if (!customer.ContactPoints.Any(p => p.Kind == kind && p.NormalizedValue == normalized))
            {
                customer.ContactPoints.Add(new ContactPoint { CustomerId = customer.Id, Kind = kind, Value = value, NormalizedValue = normalized });
            }
        }

        var segmentIds = (input.SegmentIds ?? []).Distinct().ToList();
        customer.Segments.RemoveAll(s => !segmentIds.Contains(s.SegmentId));
        foreach (var id in segmentIds.Where(id => customer.Segments.All(s => s.SegmentId != id)))
        {
            customer.Segments.Add(new CustomerSegment { CustomerId = customer.Id, SegmentId = id });
        }

        SyncSearchTerms(customer, organisation?.Name);
    }

    /// <summary>Replaces the indexed terms with those the current state implies, touching only what changed.</summary>
    public static void SyncSearchTerms(Customer customer, string? organisation)
    {
        var wanted = SearchTerms.For(customer, organisation);
        customer.SearchTerms.RemoveAll(t => !wanted.Contains(t.Term));
        foreach (var term in wanted.Where(w => customer.SearchTerms.All(t => t.Term != w)))
        {
            customer.SearchTerms.Add(new CustomerSearchTerm { CustomerId = customer.Id, Term = term });
        }
    }

    public async Task<Organisation?> FindOrCreateOrganisationAsync(string? name, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var normalized = TextFolding.Fold(name.Trim());
        var organisation = db.Set<Organisation>().Local.FirstOrDefault(o => o.NormalizedName == normalized)
            ?? await db.Set<Organisation>().FirstOrDefaultAsync(o => o.NormalizedName == normalized, ct);
        if (organisation is null)
        {
            organisation = new Organisation { Name = name.Trim(), NormalizedName = normalized };
            db.Add(organisation);
        }

        return organisation;
    }
}
