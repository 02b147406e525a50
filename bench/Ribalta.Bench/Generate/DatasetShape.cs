using System.Globalization;

namespace Ribalta.Bench.Generate;

/// <summary>
/// How big the dataset is and how it is spread over time. Everything generated is a function of these values:
/// the same shape gives the same people, conversations, times and ids.
/// </summary>
internal sealed record DatasetShape(
    int Customers,
    int CasesPerCustomer,
    int MessagesPerCase,
    int Seed,
    DateTimeOffset AsOf,
    int LongCaseEvery,
    int LongCaseMessages)
{
    /// <summary>The design's reference dataset: 500k customers, 1M cases, 5M messages, about 10M events.</summary>
    public static DatasetShape Reference(DateTimeOffset asOf) => new(500_000, 2, 5, 2026, asOf, 100, 50);

    public static DatasetShape From(Options options)
    {
        var asOf = options.Get("as-of") is { } day
            ? DateTimeOffset.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
            : new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero);
        var preset = options.Get("preset", "small");
        var defaults = preset switch
        {
            "reference" => Reference(asOf),
            "small" => new DatasetShape(20_000, 2, 5, 2026, asOf, 100, 50),
            _ => throw new ArgumentException($"Unknown preset '{preset}' (reference or small)"),
        };
        var shape = defaults with
        {
            Customers = options.Int("customers", defaults.Customers),
            CasesPerCustomer = options.Int("cases-per-customer", defaults.CasesPerCustomer),
            MessagesPerCase = options.Int("messages-per-case", defaults.MessagesPerCase),
            Seed = options.Int("seed", defaults.Seed),
            LongCaseEvery = options.Int("long-case-every", defaults.LongCaseEvery),
            LongCaseMessages = options.Int("long-case-messages", defaults.LongCaseMessages),
        };
        if (shape.Customers < 1 || shape.CasesPerCustomer < 0 || shape.MessagesPerCase < 1 || shape.LongCaseEvery < 0)
        {
            throw new ArgumentException("customers must be at least 1, messages-per-case at least 1, cases-per-customer and long-case-every not negative");
        }

        // Long cases take their messages from the others, so the total stays cases x messages-per-case; they only
        // exist when every other case can still keep at least one message.
        return shape.LongCaseEvery > 0 && shape.Messages - (shape.LongCases * shape.LongCaseMessages) < shape.Cases - shape.LongCases
            ? shape with { LongCaseEvery = 0 }
            : shape;
    }

    public long Cases => (long)Customers * CasesPerCustomer;

    public long Messages => Cases * MessagesPerCase;

    public long LongCases => LongCaseEvery == 0 ? 0 : Cases / LongCaseEvery;

    public DateTimeOffset Start => AsOf.AddDays(-365);

    public bool IsLong(long caseNumber) => LongCaseEvery > 0 && caseNumber % LongCaseEvery == 0;

    /// <summary>
    /// Messages in the case-th case in time order (1-based): long cases have <see cref="LongCaseMessages"/>, the rest
    /// share what is left as evenly as integers allow, so the total is exactly <see cref="Messages"/>.
    /// </summary>
    public int MessagesIn(long caseNumber)
    {
        if (IsLong(caseNumber))
        {
            return LongCaseMessages;
        }

        var shortCases = Cases - LongCases;
        var rest = Messages - (LongCases * LongCaseMessages);
        var each = rest / shortCases;
        var extra = rest % shortCases;
        var j = caseNumber - 1 - (LongCaseEvery == 0 ? 0 : caseNumber / LongCaseEvery);
        return (int)(each + (((j + 1) * extra / shortCases) - (j * extra / shortCases)));
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Customers:N0} customers, {Cases:N0} cases, {Messages:N0} messages{(LongCaseEvery > 0 ? $" (1 case in {LongCaseEvery} has {LongCaseMessages})" : "")}, seed {Seed}, a year up to {AsOf:yyyy-MM-dd}");
}
