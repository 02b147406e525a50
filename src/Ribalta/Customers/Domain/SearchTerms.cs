using Ribalta.Customers.Contracts;
using Ribalta.Platform.Text;

namespace Ribalta.Customers.Domain;

internal static class SearchTerms
{
    public const int MaxTermLength = 100;

    /// <summary>The terms a customer can be found by: folded name words, emails, handles, phone digits (whole and local part).</summary>
    public static IReadOnlyCollection<string> For(Customer customer, string? organisation)
    {
        var terms = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in TextFolding.Words(customer.DisplayName).Concat(TextFolding.Words(organisation)))
        {
            Add(terms, word);
        }

        foreach (var contact in customer.ContactPoints)
        {
            Add(terms, contact.NormalizedValue);
            if (contact.Kind == ContactKind.Phone && contact.NormalizedValue.Length > 9)
            {
                // People type numbers without the country code.
                Add(terms, contact.NormalizedValue[^9..]);
            }
            else if (contact.Kind == ContactKind.Email)
            {
                Add(terms, contact.NormalizedValue.Split('@')[0]);
            }
        }

        return terms;
    }

    /// <summary>What a searcher typed, as terms to prefix-match: folded words, or the digits of something phone-like.</summary>
    public static IReadOnlyList<string> Query(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        var trimmed = text.Trim();
        if (trimmed.Count(char.IsAsciiDigit) >= 5 && trimmed.All(c => char.IsAsciiDigit(c) || c is ' ' or '+' or '-' or '(' or ')' or '.' or '/'))
        {
            return [TextFolding.Digits(trimmed)];
        }

        return TextFolding.Words(trimmed).Where(w => w.Length > 0).Select(w => w.Length > MaxTermLength ? w[..MaxTermLength] : w).Distinct().Take(5).ToList();
    }

    private static void Add(HashSet<string> terms, string term)
    {
        if (term.Length > 0)
        {
            terms.Add(term.Length > MaxTermLength ? term[..MaxTermLength] : term);
        }
    }
}
