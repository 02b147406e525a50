using System.Globalization;
using System.Text.RegularExpressions;
using Ribalta.Empowerment.Contracts;
using Ribalta.Platform.Text;

namespace Ribalta.Empowerment.Promises;

/// <summary>
/// Reads a sentence of a reply the way an agent would before recording it as a promise: whether it is a promise at all
/// (a greeting or a sign-off is not), what kind of promise it is, and when it falls due if it says ("within five days",
/// "domani", "mañana", "خلال ثلاثة أيام"). A suggestion for the form, which the agent can change; never a decision.
/// </summary>
internal static partial class PromiseGuess
{
    /// <summary>The sentences of a reply that could be promises: not its greeting, its sign-off, what follows it, or the author's name.</summary>
    public static IEnumerable<string> Candidates(IReadOnlyList<string> sentences, string authorName)
    {
        for (var i = 0; i < sentences.Count; i++)
        {
            var sentence = sentences[i];
            var folded = TextFolding.Fold(sentence);
            if (SignOff().IsMatch(folded))
            {
                yield break;
            }

            if ((i == 0 && IsGreeting(folded)) || string.Equals(sentence.Trim(), authorName.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            yield return sentence;
        }
    }

    public static PromiseKind Kind(string sentence)
    {
        var folded = TextFolding.Fold(sentence);
        return Refund().IsMatch(folded) ? PromiseKind.Refund
            : Shipment().IsMatch(folded) ? PromiseKind.Shipment
            : CallBack().IsMatch(folded) ? PromiseKind.CallBack
            : Answer().IsMatch(folded) ? PromiseKind.Answer
            : PromiseKind.Other;
    }

    /// <summary>How long after now the sentence says it falls due, or null when it does not say.</summary>
    public static TimeSpan? Within(string sentence)
    {
        var folded = TextFolding.Fold(sentence);
        if (Span().Match(folded) is { Success: true } span && Number(span.Groups["n"].Value) is { } n and > 0)
        {
            var unit = span.Groups["unit"].Value;
            return Hours().IsMatch(unit) ? TimeSpan.FromHours(n)
                : Weeks().IsMatch(unit) ? TimeSpan.FromDays(7 * n)
                : TimeSpan.FromDays(n);
        }

        return Tomorrow().IsMatch(folded) ? TimeSpan.FromDays(1)
            : NextWeek().IsMatch(folded) ? TimeSpan.FromDays(7)
            : Today().IsMatch(folded) ? TimeSpan.FromHours(4)
            : null;
    }

    private static bool IsGreeting(string folded) =>
        Greeting().IsMatch(folded) || (folded.TrimEnd().EndsWith(',') || folded.TrimEnd().EndsWith(':') || folded.TrimEnd().EndsWith('،'))
            && folded.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length <= 5;

    private static int? Number(string word) =>
        int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
        : NumberWords.TryGetValue(word, out var named) ? named
        : null;

    // Folded (no accents, Arabic normalised) number words up to ten in the four languages.
    private static readonly Dictionary<string, int> NumberWords = new(StringComparer.Ordinal)
    {
        ["one"] = 1, ["two"] = 2, ["three"] = 3, ["four"] = 4, ["five"] = 5, ["six"] = 6, ["seven"] = 7, ["eight"] = 8, ["nine"] = 9, ["ten"] = 10,
        ["un"] = 1, ["uno"] = 1, ["una"] = 1, ["due"] = 2, ["tre"] = 3, ["quattro"] = 4, ["cinque"] = 5, ["sei"] = 6, ["sette"] = 7, ["otto"] = 8, ["nove"] = 9, ["dieci"] = 10,
        ["dos"] = 2, ["tres"] = 3, ["cuatro"] = 4, ["cinco"] = 5, ["seis"] = 6, ["siete"] = 7, ["ocho"] = 8, ["nueve"] = 9, ["diez"] = 10,
        ["يومين"] = 2, ["ساعتين"] = 2, ["اسبوعين"] = 2, ["ثلاثه"] = 3, ["اربعه"] = 4, ["خمسه"] = 5, ["سته"] = 6, ["سبعه"] = 7, ["عشره"] = 10,
    };

    // "in 5 days", "within two hours", "entro cinque giorni", "en tres días", "خلال ثلاثة أيام" (folded forms).
    [GeneratedRegex(@"(?:\bin|within|\bentro|\btra|\bfra|\ben|\bdentro de|\bantes de|خلال|في غضون)\s+(?:the next\s+|i prossimi\s+|los proximos\s+)?(?<n>\d{1,3}|[\p{L}]+)\s*(?<unit>hours?|days?|business days?|working days?|weeks?|ore|giorni|settimane|horas?|dias?|semanas?|ساعات|ساعه|ايام|يوم|اسابيع|اسبوع)?", RegexOptions.CultureInvariant)]
    private static partial Regex Span();

    [GeneratedRegex(@"^(hours?|ore|horas?|ساع)")]
    private static partial Regex Hours();

    [GeneratedRegex(@"^(weeks?|settiman|semana|اسبوع|اسابيع)")]
    private static partial Regex Weeks();

    [GeneratedRegex(@"\b(tomorrow|domani|manana)\b|غدا|بكره")]
    private static partial Regex Tomorrow();

    [GeneratedRegex(@"next week|settimana prossima|prossima settimana|proxima semana|semana que viene|الاسبوع القادم|الاسبوع المقبل")]
    private static partial Regex NextWeek();

    [GeneratedRegex(@"\b(today|this afternoon|by tonight|oggi|stasera|hoy|esta tarde)\b|اليوم|هذا المساء")]
    private static partial Regex Today();

    [GeneratedRegex(@"\b(refund|reimburs|rimbors|reembols|devolv\w* (el|su|tu) (dinero|importe|pago)|storn|abono|accredit)|استرد|استرجاع|نعيد المبلغ|نرد المبلغ")]
    private static partial Regex Refund();

    [GeneratedRegex(@"\b(ship|send|sent|deliver|courier|replacement|spedi|invi|consegn|corriere|sostituzion|envi|entreg|mensajer|reemplazo|repuesto)|شحن|نرسل|سنرسل|ارسال|توصيل|بديل")]
    private static partial Regex Shipment();

    [GeneratedRegex(@"\b(call|phone|ring|chiam|telefon|llam)|اتصل|نتصل|سنتصل|مكالمه|هاتف")]
    private static partial Regex CallBack();

    [GeneratedRegex(@"\b(answer|reply|write|get back|let you know|update you|rispond|scriv|far sapere|aggiorn|respond|escrib|informar|avis)|نرد|سنرد|نجيب|نكتب|نبلغ|سنبلغ|نخبر")]
    private static partial Regex Answer();

    [GeneratedRegex(@"^(hello|hi|dear|good (morning|afternoon|evening)|gentile|egregio|buongiorno|buonasera|salve|ciao|hola|estimad|buenos dias|buenas tardes|مرحبا|السلام عليكم|عزيزي|عزيزتي|صباح الخير|مساء الخير)\b")]
    private static partial Regex Greeting();

    [GeneratedRegex(@"^(kind regards|best regards|regards|best wishes|sincerely|yours|thanks|thank you|many thanks|cordiali saluti|distinti saluti|saluti|un saluto|grazie|un saludo|saludos|atentamente|gracias|مع اطيب التحيات|مع التحيه|مع خالص التحيات|تحياتي|شكرا)\b")]
    private static partial Regex SignOff();
}
