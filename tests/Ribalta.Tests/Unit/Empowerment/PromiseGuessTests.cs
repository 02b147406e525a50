using Ribalta.Empowerment.Contracts;
using Ribalta.Empowerment.Promises;
using Xunit;

namespace Ribalta.Tests.Unit.Empowerment;

[Trait("Suite", "Unit")]
public sealed class PromiseGuessTests
{
    [Theory]
    [InlineData("We will refund the duplicate charge within five days.", PromiseKind.Refund)]
    [InlineData("Le rimborseremo l'importo entro tre giorni lavorativi.", PromiseKind.Refund)]
    [InlineData("Le devolveremos el dinero mañana.", PromiseKind.Refund)]
    [InlineData("سنعيد المبلغ إليك خلال ثلاثة أيام.", PromiseKind.Refund)]
    [InlineData("سنقوم باسترداد المبلغ خلال ثلاثة أيام.", PromiseKind.Refund)]
    [InlineData("Le spediremo un nuovo vaso domani.", PromiseKind.Shipment)]
    [InlineData("Le enviaremos un reemplazo esta semana.", PromiseKind.Shipment)]
    [InlineData("I will call you back on Friday morning.", PromiseKind.CallBack)]
    [InlineData("La chiamerò domani alle dieci.", PromiseKind.CallBack)]
    [InlineData("سنتصل بك غدا صباحا.", PromiseKind.CallBack)]
    [InlineData("I'll write back as soon as the warehouse answers.", PromiseKind.Answer)]
    [InlineData("Le escribiré en cuanto tenga noticias.", PromiseKind.Answer)]
    [InlineData("We are looking into it.", PromiseKind.Other)]
    public void The_kind_is_read_from_the_sentence(string sentence, PromiseKind kind) => Assert.Equal(kind, PromiseGuess.Kind(sentence));

    [Theory]
    [InlineData("We will refund you within five days.", 5 * 24)]
    [InlineData("Il rimborso arriverà entro 3 giorni.", 3 * 24)]
    [InlineData("Le llamaremos en dos horas.", 2)]
    [InlineData("سنرسل البديل خلال ثلاثة أيام.", 3 * 24)]
    [InlineData("I will call you tomorrow.", 24)]
    [InlineData("La richiamo domani.", 24)]
    [InlineData("Le enviamos el paquete la próxima semana.", 7 * 24)]
    [InlineData("سنتصل بك غدا.", 24)]
    public void When_it_falls_due_is_read_when_the_sentence_says(string sentence, int hours) =>
        Assert.Equal(TimeSpan.FromHours(hours), PromiseGuess.Within(sentence));

    [Fact]
    public void A_sentence_that_names_no_time_suggests_none() => Assert.Null(PromiseGuess.Within("We will look into the invoice."));

    [Theory]
    [InlineData("Hola, Lucía:", "Le hemos reembolsado 120,00 EUR.", "Un saludo cordial,", "Marta Neri")]
    [InlineData("Gentile Giulia Ferri,", "La richiamo domani alle dieci.", "Cordiali saluti,", "Marta Neri")]
    [InlineData("Hello Anna,", "I will call you back tomorrow.", "Kind regards,", "Marta Neri")]
    [InlineData("مرحبًا سارة،", "سنتصل بك غدا صباحا.", "مع أطيب التحيات،", "Marta Neri")]
    public void Greetings_sign_offs_and_signatures_are_not_offered_as_promises(string greeting, string promise, string signOff, string name)
    {
        var candidates = PromiseGuess.Candidates([greeting, promise, signOff, name], "Marta Neri").ToList();
        Assert.Equal([promise], candidates);
    }
}
