using Ribalta.Customers.Domain;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Security;
using Ribalta.Platform.Text;
using Xunit;

namespace Ribalta.Tests.Unit;

[Trait("Suite", "Unit")]
public sealed class TextTests
{
    [Theory]
    [InlineData("Perché", "perche")]
    [InlineData("NICCOLÒ", "niccolo")]
    [InlineData("Íñigo Núñez", "inigo nunez")]
    [InlineData("Zoë", "zoe")]
    [InlineData("إبراهيم", "ابراهيم")]
    [InlineData("مُحَمَّد", "محمد")]
    [InlineData("فاطمة", "فاطمه")]
    [InlineData("مصطفى", "مصطفي")]
    public void Folding_ignores_case_accents_and_arabic_variants(string text, string folded) =>
        Assert.Equal(folded, TextFolding.Fold(text));

    [Fact]
    public void Words_split_on_punctuation_but_keep_emails_whole() =>
        Assert.Equal(["o", "brien", "ana.ortega@example.org"], TextFolding.Words("O'Brien, ana.ortega@example.org!"));

    [Theory]
    [InlineData("+39 333 123 4567", new[] { "393331234567" })]
    [InlineData("(06) 555-0199", new[] { "065550199" })]
    [InlineData("Marco  Rossi", new[] { "marco", "rossi" })]
    [InlineData("   ", new string[0])]
    public void Queries_become_terms(string query, string[] terms) =>
        Assert.Equal(terms, SearchTerms.Query(query));

    [Theory]
    [InlineData("ana@example.org", true)]
    [InlineData("o'brien@example.co.uk", true)]
    [InlineData("Ana <ana@example.org>", false)]
    [InlineData("ana@example", false)]
    [InlineData("ana example.org", false)]
    [InlineData("@example.org", false)]
    public void Emails_are_checked_as_a_person_types_them(string value, bool valid) =>
        Assert.Equal(valid, ValidationBuilder.IsEmail(value));

    [Fact]
    public void Secrets_are_long_random_and_stored_only_as_hashes()
    {
        var a = SecretToken.Create();
        var b = SecretToken.Create();
        Assert.NotEqual(a, b);
        Assert.True(Convert.FromBase64String(a.Replace('-', '+').Replace('_', '/') + "=").Length >= 16);
        Assert.Equal(64, SecretToken.Hash(a).Length);
        Assert.DoesNotContain(a, SecretToken.Hash(a), StringComparison.Ordinal);
        Assert.True(SecretToken.FixedTimeEquals(SecretToken.Hash(a), SecretToken.Hash(a)));
        Assert.False(SecretToken.FixedTimeEquals(SecretToken.Hash(a), SecretToken.Hash(b)));
    }
}

[Trait("Suite", "Unit")]
public sealed class CannedReplyFillTests
{
    [Fact]
    public void Placeholders_take_the_customer_the_agent_and_the_case() =>
        Assert.Equal(
            "Hola, María: soy Ana Ortega, caso 42 (María José Pérez).",
            Ribalta.Cases.CannedReplies.CannedReplyLibrary.Fill("Hola, {{customer.first_name}}: soy {{agent.name}}, caso {{case.id}} ({{customer.name}}).", "María José Pérez", "Ana Ortega", 42));
}

[Trait("Suite", "Unit")]
public sealed class SnippetTests
{
    [Fact]
    public void A_snippet_marks_each_form_of_the_words_and_encodes_the_rest()
    {
        var snippet = Ribalta.Cases.Search.MessageSearch.Snippet(
            "I asked for a <b>refund</b> twice; the refunds never came. Refund me!", SearchAnalyzer.QueryTerms("refund"));

        Assert.Equal("I asked for a &lt;b&gt;<mark>refund</mark>&lt;/b&gt; twice; the <mark>refunds</mark> never came. <mark>Refund</mark> me!", snippet);
    }

    [Fact]
    public void A_snippet_of_a_long_text_starts_near_the_first_match_on_a_word_boundary()
    {
        var filler = string.Join(' ', Enumerable.Repeat("lorem ipsum", 60));
        var body = $"{filler} il pacco era aperto. {filler} pacco";

        var snippet = Ribalta.Cases.Search.MessageSearch.Snippet(body, SearchAnalyzer.QueryTerms("pacco"));

        Assert.StartsWith("…", snippet, StringComparison.Ordinal);
        Assert.EndsWith("…", snippet, StringComparison.Ordinal);
        Assert.Contains("il <mark>pacco</mark> era aperto.", snippet, StringComparison.Ordinal);
        Assert.Equal(1, snippet.Split("<mark>").Length - 1);
        Assert.True(snippet.Length <= 220 + 2 + "<mark></mark>".Length, snippet);
        Assert.Matches(@"^…(lorem|ipsum) ", snippet);
    }

    [Theory]
    [InlineData("it", "Buongiorno, la consegna del pacco è già in ritardo di tre settimane e nessuno mi ha mai risposto, né al telefono né per email. Vorrei sapere perché il corriere non è passato quando avevate promesso, e quando arriverà finalmente la mia lavatrice nuova. Ho già pagato tutto in anticipo, compreso il montaggio e il ritiro della vecchia, e non ho ricevuto nessuna conferma scritta.", "corriere")]
    [InlineData("es", "Hola, escribo porque la organización de la entrega ha sido un desastre: me dijeron que llegaría el martes, luego el jueves, y todavía no tengo nada. Necesito saber qué está pasando con mi pedido y cuándo me van a devolver el dinero de la reservación.", "entrega")]
    [InlineData("ar", "مرحبا، أكتب إليكم لأن الطلب الذي قمت به قبل ثلاثة أسابيع لم يصل حتى الآن، وقد اتصلت بخدمة العملاء عدة مرات دون أي رد واضح. أرجو إخباري متى سيصل الطلب أو إعادة المبلغ المدفوع بالكامل في أقرب وقت ممكن، مع الشكر والتقدير لجهودكم.", "الطلب")]
    public void A_shortened_snippet_ends_on_a_whole_word_and_keeps_letters_as_letters(string language, string body, string query)
    {
        var snippet = Ribalta.Cases.Search.MessageSearch.Snippet(body, SearchAnalyzer.QueryTerms(query));

        Assert.EndsWith("…", snippet, StringComparison.Ordinal);
        var text = snippet.Replace("<mark>", "", StringComparison.Ordinal).Replace("</mark>", "", StringComparison.Ordinal).TrimStart('…').TrimEnd('…');
        Assert.Contains(text, body, StringComparison.Ordinal);
        var end = body.IndexOf(text, StringComparison.Ordinal) + text.Length;
        Assert.True(end == body.Length || char.IsWhiteSpace(body[end]), $"{language}: cut inside a word: …{body[Math.Max(0, end - 12)..Math.Min(body.Length, end + 12)]}");
        Assert.False(char.IsWhiteSpace(text[^1]), $"{language}: ends in a space");
        Assert.DoesNotContain("&#", snippet, StringComparison.Ordinal);
    }

    [Fact]
    public void A_snippet_encodes_only_what_html_needs()
    {
        var snippet = Ribalta.Cases.Search.MessageSearch.Snippet("Perché \"il\" pacco & l'etichetta <x> è già qui", SearchAnalyzer.QueryTerms("pacco"));

        Assert.Equal("Perché &quot;il&quot; <mark>pacco</mark> &amp; l&#39;etichetta &lt;x&gt; è già qui", snippet);
    }

    [Fact]
    public void A_snippet_without_a_match_in_the_body_is_its_beginning()
    {
        var snippet = Ribalta.Cases.Search.MessageSearch.Snippet("الطلب رقم ٤٤ لم يصل بعد", SearchAnalyzer.QueryTerms("فاتورة"));

        Assert.Equal("الطلب رقم ٤٤ لم يصل بعد", snippet);
    }

    [Fact]
    public void A_snippet_marks_arabic_words_through_their_folded_stems()
    {
        var snippet = Ribalta.Cases.Search.MessageSearch.Snippet("وصلت الفاتورة أمس", SearchAnalyzer.QueryTerms("فاتوره"));

        Assert.Equal("وصلت <mark>الفاتورة</mark> أمس", snippet);
    }
}

/// <summary>The analyzer as documents and queries meet: a query word matches when one of its forms is among the document's terms.</summary>
[Trait("Suite", "Unit")]
public sealed class SearchAnalyzerTests
{
    private static bool Finds(string query, string message, string? language)
    {
        var document = SearchAnalyzer.DocumentTerms(message, language).Split(' ').ToHashSet(StringComparer.Ordinal);
        return SearchAnalyzer.QueryTerms(query).All(forms => forms.Any(document.Contains));
    }

    [Theory]
    [InlineData("organización problema", "Tenemos un problema con las organizaciones que gestionan la entrega.", "es")]
    [InlineData("devolución", "Pedí dos devoluciones y ninguna ha llegado.", "es")]
    [InlineData("organizacion", "La organización del envío fue un desastre.", "es")]
    [InlineData("spedizione", "Le spedizioni di ottobre sono arrivate in ritardo.", "it")]
    [InlineData("perche", "Perché il pacco non è arrivato?", "it")]
    [InlineData("città", "Abito in una città diversa da quella dell'ordine.", "it")]
    [InlineData("refunds", "I asked for a refund twice.", "en")]
    public void Latin_words_are_stemmed_as_written_then_folded(string query, string message, string language) =>
        Assert.True(Finds(query, message, language), $"'{query}' should find: {message}");

    [Theory]
    [InlineData("حاجة", "أنا بحاجة إلى مساعدة عاجلة في طلبي")]
    [InlineData("الطلب", "لم يصل طلبكم حتى الآن")]
    [InlineData("مسؤول", "أريد التحدث مع مسئول خدمة العملاء")]
    [InlineData("شكر", "شكراً جزيلاً على المساعدة")]
    [InlineData("فاتورة", "وصلتني فاتورتكم أمس وفيها خطأ")]
    [InlineData("حساب مغلق", "لماذا حسابي مغلق منذ يومين؟")]
    [InlineData("رسالة", "وبرسالة أخرى طلبت الاسترداد")]
    public void Arabic_clitics_suffixes_tanwin_and_hamza_seats_meet(string query, string message) =>
        Assert.True(Finds(query, message, "ar"), $"'{query}' should find: {message}");

    [Theory]
    [InlineData("refund", "The parcel was delivered yesterday.", "en")]
    [InlineData("كتاب", "أريد أن أتوب عن الشراء", "ar")]
    [InlineData("fattura", "Il pacco è arrivato rotto.", "it")]
    public void Unrelated_words_do_not_meet(string query, string message, string language) =>
        Assert.False(Finds(query, message, language), $"'{query}' should not find: {message}");
}
