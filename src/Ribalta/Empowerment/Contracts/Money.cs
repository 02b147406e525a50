using System.Globalization;
using Ribalta.Platform.Errors;

namespace Ribalta.Empowerment.Contracts;

/// <summary>
/// An ISO 4217 currency, with the number of decimals its amounts carry (2 for EUR, 0 for JPY, 3 for KWD). Only codes
/// that some culture on this machine uses are accepted, so "EUR" is a currency and "EUX" is not.
/// </summary>
public readonly record struct Currency
{
    private static readonly HashSet<string> Known = CultureInfo.GetCultures(CultureTypes.SpecificCultures)
        .Select(c =>
        {
            try
            {
                return new RegionInfo(c.Name).ISOCurrencySymbol;
            }
            catch (ArgumentException)
            {
                return null;
            }
        })
        .Where(code => code is { Length: 3 } && code.All(char.IsAsciiLetterUpper))
        .Select(code => code!)
        .ToHashSet(StringComparer.Ordinal);

    /// <summary>Currencies whose minor unit is not the hundredth (ISO 4217's exponent).</summary>
    private static readonly Dictionary<string, int> Exponents = new(StringComparer.Ordinal)
    {
        ["JPY"] = 0, ["KRW"] = 0, ["CLP"] = 0, ["ISK"] = 0, ["VND"] = 0, ["PYG"] = 0, ["UGX"] = 0, ["XAF"] = 0, ["XOF"] = 0,
        ["KWD"] = 3, ["BHD"] = 3, ["OMR"] = 3, ["JOD"] = 3, ["TND"] = 3, ["LYD"] = 3, ["IQD"] = 3,
    };

    private Currency(string code) => Code = code;

    public string Code { get; }

    public int MinorUnits => Exponents.GetValueOrDefault(Code, 2);

    public static bool TryParse(string? code, out Currency currency)
    {
        var upper = code?.Trim().ToUpperInvariant();
        currency = default;
        if (upper is null || !Known.Contains(upper))
        {
            return false;
        }

        currency = new Currency(upper);
        return true;
    }

    public static Currency Parse(string code) =>
        TryParse(code, out var currency) ? currency : throw new FormatException($"'{code}' is not an ISO 4217 currency code.");

    public override string ToString() => Code ?? "";
}

/// <summary>
/// An amount of one currency. It is never negative and never finer than its currency's minor unit, so a refund of
/// "-5 EUR" or "0.001 EUR" cannot exist. Amounts of different currencies are never added or compared: that is a
/// programming error, not a rounding question.
/// </summary>
public readonly record struct Money : IComparable<Money>
{
    /// <summary>The largest amount accepted anywhere: a billion, far beyond any goodwill gesture, far below overflow.</summary>
    public const decimal Max = 1_000_000_000m;

    private Money(decimal amount, Currency currency) => (Amount, Currency) = (amount, currency);

    public decimal Amount { get; }

    public Currency Currency { get; }

    public static Money Zero(Currency currency) => new(0m, currency);

    /// <summary>The amount as people type it, checked: a valid currency, not negative, not absurd, no finer than cents (or its unit).</summary>
    public static Result<Money> Create(decimal? amount, string? currency, string field)
    {
        if (!Currency.TryParse(currency, out var parsed))
        {
            return Error.Validation($"{field}.currency", "Validation.Currency", currency ?? "");
        }

        if (amount is not { } value)
        {
            return Error.Validation($"{field}.amount", "Validation.Required");
        }

        if (value < 0)
        {
            return Error.Validation($"{field}.amount", "Validation.AmountNegative");
        }

        if (value > Max)
        {
            return Error.Validation($"{field}.amount", "Validation.AmountTooLarge", Max.ToString("N0", CultureInfo.InvariantCulture));
        }

        if (decimal.Round(value, parsed.MinorUnits) != value)
        {
            return Error.Validation($"{field}.amount", "Validation.AmountPrecision", parsed.MinorUnits, parsed.Code);
        }

        return new Money(value, parsed);
    }

    /// <summary>For amounts already known good (stored ones, sums of good ones).</summary>
    public static Money Of(decimal amount, Currency currency)
    {
        if (amount < 0 || amount > Max * 1000 || decimal.Round(amount, currency.MinorUnits) != amount)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), amount, $"Not a valid amount of {currency}.");
        }

        return new Money(amount, currency);
    }

    public static Money Of(decimal amount, string currency) => Of(amount, Currency.Parse(currency));

    public static Money operator +(Money a, Money b) => Of(a.Amount + SameCurrency(a, b).Amount, a.Currency);

    /// <summary>What is left of <paramref name="a"/> after <paramref name="b"/>: never below zero.</summary>
    public Money Less(Money b) => Of(Math.Max(0m, Amount - SameCurrency(this, b).Amount), Currency);

    public int CompareTo(Money other) => Amount.CompareTo(SameCurrency(this, other).Amount);

    public static bool operator <(Money a, Money b) => a.CompareTo(b) < 0;

    public static bool operator >(Money a, Money b) => a.CompareTo(b) > 0;

    public static bool operator <=(Money a, Money b) => a.CompareTo(b) <= 0;

    public static bool operator >=(Money a, Money b) => a.CompareTo(b) >= 0;

    /// <summary>As a person reads it in <paramref name="culture"/>: "1.234,50 EUR" in Italian, "1,234.50 EUR" in English.</summary>
    public string Format(IFormatProvider culture) => $"{Amount.ToString("N" + Currency.MinorUnits.ToString(CultureInfo.InvariantCulture), culture)} {Currency.Code}";

    /// <summary>Invariant, for logs and events: "1234.50 EUR".</summary>
    public override string ToString() => $"{Amount.ToString("F" + Currency.MinorUnits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)} {Currency.Code}";

    private static Money SameCurrency(Money a, Money b) =>
        a.Currency == b.Currency ? b : throw new InvalidOperationException($"Cannot combine {a.Currency} with {b.Currency}.");
}

/// <summary>What a grant of an option gives: an amount of money, days (an extension), items (a replacement), or an exception to a rule.</summary>
public enum OptionMeasure
{
    Money,
    Days,
    Items,
    Exception,
}

/// <summary>The kinds of resolution the catalogue starts with; <c>Other</c> is any the organisation names itself.</summary>
public enum ResolutionKind
{
    Refund,
    Credit,
    FeeWaiver,
    Replacement,
    Upgrade,
    Extension,
    PolicyException,
    Other,
}

/// <summary>An amount as JSON carries it: <c>{ "amount": 25.00, "currency": "EUR" }</c>.</summary>
public sealed record MoneyDto(decimal? Amount, string? Currency)
{
    public static MoneyDto From(Money money) => new(money.Amount, money.Currency.Code);

    /// <summary>As people read it in <paramref name="culture"/> ("25,00 EUR" in Italian); as given when it is not valid money.</summary>
    public string Format(IFormatProvider culture) =>
        Money.Create(Amount, Currency, "amount") is { IsSuccess: true } money ? money.Value.Format(culture) : $"{Amount} {Currency}";
}

/// <summary>Amounts as people type them in a form: "50 EUR, 55.50 USD" (a comma or a point for decimals).</summary>
public static partial class MoneyText
{
    /// <summary>The amounts read, and whether all of the text was readable (what is not is an error to show).</summary>
    public static (List<MoneyDto> Amounts, bool Readable) Parse(string? text)
    {
        var amounts = new List<MoneyDto>();
        foreach (var part in (text ?? "").Split([';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).SelectMany(p => Pattern().Matches(p)))
        {
            var amount = part.Groups["amount"].Value.Replace(',', '.');
            if (!decimal.TryParse(amount, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var value))
            {
                return (amounts, false);
            }

            amounts.Add(new MoneyDto(value, part.Groups["currency"].Value));
        }

        var rest = Pattern().Replace(text ?? "", "").Trim(' ', ',', ';', '\n');
        return (amounts, rest.Length == 0);
    }

    /// <summary>The amounts as the reader reads money, comma-separated.</summary>
    public static string Show(IEnumerable<MoneyDto> amounts, IFormatProvider culture) => string.Join(", ", amounts.Select(m => m.Format(culture)));

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<amount>\d+(?:[.,]\d+)?)\s*(?<currency>[A-Za-z]{3})", System.Text.RegularExpressions.RegexOptions.CultureInvariant, 1000)]
    private static partial System.Text.RegularExpressions.Regex Pattern();
}
