using Ribalta.Demo;

namespace Ribalta.Bench.Generate;

/// <summary>
/// What people write in a generated conversation, in the four languages. The opening and the first answer are the
/// demo's case templates; follow-ups, internal notes and later answers vary a little, and each opening quotes an
/// order number, so the full-text index holds rare terms as well as very common ones.
/// </summary>
internal static class ConversationTexts
{
    public sealed record Language(
        string Code,
        (string Subject, string Body, string Reply)[] Cases,
        string[][] Tags,
        string OrderLine,
        string[] FollowUps,
        string[] Notes,
        string[] LaterReplies);

    public static readonly Language[] Languages =
    [
        new("en", DemoData.Cases["en"], [["delivery", "late-delivery"], ["billing", "double-charge"], ["sign-in", "account"]],
            "Order number {0}.",
            [
                "Any news? It is still not sorted and I need an answer this week.",
                "Thank you. I checked again and nothing has changed on my side.",
                "The tracking page still says the same thing as yesterday.",
            ],
            [
                "Checked with logistics: the parcel is held at the depot.",
                "Refund approved within my envelope; no approval needed.",
                "Second contact about the same issue: flagged the process, not the agent.",
            ],
            [
                "Thank you for your patience. It is sorted now: please tell us if anything is still wrong.",
                "I have checked again and everything is in order on our side. Your case stays open until you confirm.",
                "Good news: the replacement left our warehouse this morning.",
            ]),
        new("it", DemoData.Cases["it"], [["consegna", "ritardo"], ["fatturazione", "addebito-doppio"], ["difetto", "garanzia"]],
            "Numero d'ordine {0}.",
            [
                "Ci sono novità? Non è ancora risolto e ho bisogno di una risposta entro la settimana.",
                "Grazie. Ho ricontrollato e da parte mia non è cambiato nulla.",
                "Il sito del corriere dice ancora la stessa cosa di ieri.",
            ],
            [
                "Verificato con la logistica: il pacco è fermo al deposito.",
                "Rimborso approvato entro il mio mandato, senza bisogno di approvazione.",
                "Secondo contatto per lo stesso problema: segnalato il processo, non la persona.",
            ],
            [
                "Grazie per la pazienza. Ora è tutto risolto: ci scriva se qualcosa non va ancora.",
                "Ho ricontrollato e da parte nostra è tutto in ordine. Il caso resta aperto finché non ci conferma.",
                "Buone notizie: la sostituzione è partita dal nostro magazzino stamattina.",
            ]),
        new("es", DemoData.Cases["es"], [["entrega", "retraso"], ["facturacion", "cobro-duplicado"], ["direccion", "cuenta"]],
            "Número de pedido {0}.",
            [
                "¿Hay novedades? Todavía no está resuelto y necesito una respuesta esta semana.",
                "Gracias. Lo he vuelto a comprobar y por mi parte no ha cambiado nada.",
                "La página de seguimiento sigue diciendo lo mismo que ayer.",
            ],
            [
                "Consultado con logística: el paquete está retenido en el almacén.",
                "Reembolso aprobado dentro de mi margen, sin necesidad de aprobación.",
                "Segundo contacto por el mismo problema: señalado el proceso, no la persona.",
            ],
            [
                "Gracias por su paciencia. Ya está resuelto: díganos si algo sigue sin funcionar.",
                "Lo he vuelto a revisar y por nuestra parte todo está en orden. El caso sigue abierto hasta que nos lo confirme.",
                "Buenas noticias: el reemplazo ha salido de nuestro almacén esta mañana.",
            ]),
        new("ar", DemoData.Cases["ar"], [["توصيل", "تأخير"], ["فواتير", "خصم-مكرر"], ["عيب", "ضمان"]],
            "رقم الطلب {0}.",
            [
                "هل من جديد؟ لم تُحل المشكلة بعد وأحتاج إلى رد هذا الأسبوع.",
                "شكراً. تحققت مرة أخرى ولم يتغير شيء من جهتي.",
                "صفحة التتبع ما زالت تقول الشيء نفسه كما بالأمس.",
            ],
            [
                "تم التحقق مع قسم الخدمات اللوجستية: الطرد محتجز في المستودع.",
                "تمت الموافقة على الاسترداد ضمن صلاحياتي دون الحاجة إلى موافقة.",
                "اتصال ثانٍ بخصوص المشكلة نفسها: تم الإبلاغ عن الإجراء وليس الموظف.",
            ],
            [
                "شكراً لصبرك. تم حل الأمر الآن: أخبرنا إن كان هناك أي شيء لا يزال غير صحيح.",
                "راجعت الأمر مجدداً وكل شيء على ما يرام من جهتنا. ستبقى حالتك مفتوحة حتى تؤكد لنا.",
                "أخبار سارة: غادر الجهاز البديل مستودعنا صباح اليوم.",
            ]),
    ];

    /// <summary>Tags anyone may add, whatever the matter.</summary>
    public static readonly string[] CommonTags = ["vip", "repeat-contact", "broken-promise"];

    public static Language For(string? code) => Array.Find(Languages, l => l.Code == code) ?? Languages[0];
}
