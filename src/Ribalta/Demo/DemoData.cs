namespace Ribalta.Demo;

/// <summary>Raw material for demo people, in the four languages, with ASCII forms for their addresses.</summary>
internal static class DemoData
{
    public sealed record Name(string Display, string Ascii);

    public sealed record Language(string Code, Name[] Given, Name[] Family, string[] Notes, string PhonePrefix, string MailDomain);

    public static readonly Language[] Languages =
    [
        new("en",
            [new("Olivia", "olivia"), new("James", "james"), new("Amelia", "amelia"), new("Harry", "harry"), new("Grace", "grace"), new("Noah", "noah"), new("Emily", "emily"), new("Jack", "jack"), new("Chloé", "chloe"), new("Zoë", "zoe")],
            [new("Bennett", "bennett"), new("Carter", "carter"), new("Hughes", "hughes"), new("Walsh", "walsh"), new("Morgan", "morgan"), new("Fletcher", "fletcher"), new("Clarke", "clarke"), new("O'Brien", "obrien")],
            [
                "Prefers email after 6pm; runs a small bakery and cannot take calls during the morning rush.",
                "Moved house in spring; the delivery address was wrong twice before it was fixed.",
                "Long-standing customer since 2014. Very clear about what she needs, hates being transferred.",
                "Uses a screen reader: send plain-text emails, no attachments as images.",
                "Had a refund promised in January that arrived late; be generous with follow-ups.",
                "Buys for a family of five; price-sensitive but loyal.",
            ],
            "+44 7", "example.co.uk"),
        new("it",
            [new("Giulia", "giulia"), new("Marco", "marco"), new("Francesca", "francesca"), new("Luca", "luca"), new("Chiara", "chiara"), new("Matteo", "matteo"), new("Niccolò", "niccolo"), new("Lucrezia", "lucrezia"), new("Sofia", "sofia"), new("Alessandro", "alessandro")],
            [new("Ferrari", "ferrari"), new("Rossi", "rossi"), new("Bianchi", "bianchi"), new("Esposito", "esposito"), new("Romano", "romano"), new("Colombo", "colombo"), new("Galli", "galli"), new("D'Amico", "damico")],
            [
                "Preferisce essere contattata via email dopo le 18: lavora in negozio tutto il giorno.",
                "Cliente da dieci anni, molto attento ai tempi di consegna. Perché no una telefonata di cortesia?",
                "Ha avuto un problema con la fattura di marzo, risolto; ricordarsi di verificare la prossima.",
                "Gestisce una piccola ferramenta a Bologna e ordina per conto dei suoi clienti.",
                "Parla solo italiano; evitare risposte automatiche in inglese.",
                "Ha chiesto di non ricevere più comunicazioni commerciali.",
            ],
            "+39 3", "esempio.it"),
        new("es",
            [new("Lucía", "lucia"), new("Javier", "javier"), new("Carmen", "carmen"), new("Alejandro", "alejandro"), new("María José", "mariajose"), new("Sergio", "sergio"), new("Begoña", "begona"), new("Íñigo", "inigo"), new("Paula", "paula"), new("Andrés", "andres")],
            [new("García", "garcia"), new("Martínez", "martinez"), new("López", "lopez"), new("Sánchez", "sanchez"), new("Pérez", "perez"), new("Gómez", "gomez"), new("Fernández", "fernandez"), new("Núñez", "nunez")],
            [
                "Prefiere que le llamen por la mañana, antes de las diez.",
                "Tuvo un problema con el pedido de diciembre; se le prometió un reembolso que llegó tarde.",
                "Distribuidor en Valencia; compra para veinte tiendas pequeñas.",
                "Cliente muy fiel, recomienda la empresa a sus vecinos. Cuidar la relación.",
                "Necesita facturas con NIF de empresa, no a nombre personal.",
                "Se mudó a Sevilla; verificar la dirección antes de cada envío.",
            ],
            "+34 6", "ejemplo.es"),
        new("ar",
            [new("محمد", "mohammed"), new("فاطمة", "fatima"), new("أحمد", "ahmed"), new("مريم", "maryam"), new("يوسف", "youssef"), new("نور", "nour"), new("عمر", "omar"), new("ليلى", "layla"), new("خالد", "khaled"), new("سارة", "sara")],
            [new("العلي", "alali"), new("حسن", "hassan"), new("إبراهيم", "ibrahim"), new("منصور", "mansour"), new("الزهراني", "alzahrani"), new("عبد الله", "abdullah"), new("سعيد", "saeed"), new("القاسم", "alqasim")],
            [
                "يفضل التواصل عبر البريد الإلكتروني بعد الساعة السادسة مساءً.",
                "عميل منذ خمس سنوات، يهتم كثيراً بمواعيد التسليم.",
                "وُعد باسترداد المبلغ خلال خمسة أيام ولم يصل في الموعد؛ يجب المتابعة.",
                "يدير متجراً صغيراً في دبي ويطلب نيابة عن زبائنه.",
                "يفضل المكالمات الهاتفية على الرسائل المكتوبة.",
                "تغير عنوان التوصيل مؤخراً؛ يرجى التأكد قبل كل شحنة.",
            ],
            "+971 5", "example.ae"),
    ];

    /// <summary>Typical first contacts, in each language: subject, the customer's words, and a first answer.</summary>
    public static readonly Dictionary<string, (string Subject, string Body, string Reply)[]> Cases = new()
    {
        ["en"] =
        [
            ("Parcel never arrived", "My order was due last Tuesday and the tracking has not moved since. I need it for my daughter's birthday.", "I am sorry about this. I have asked the courier and I will call you back by Friday with news."),
            ("Charged twice", "I see two payments for the same invoice on my card statement.", "You are right, the second charge is our mistake. The refund is on its way and should reach you within five days."),
            ("Cannot sign in", "The password reset email never arrives, I tried three times.", "Thank you for telling us. I have reset it by hand; please check your inbox now."),
        ],
        ["it"] =
        [
            ("Pacco mai arrivato", "Il mio ordine doveva arrivare martedì scorso e il tracciamento è fermo. Perché nessuno mi avvisa?", "Mi scuso per il disagio. Ho contattato il corriere e la richiamo entro venerdì con notizie certe."),
            ("Addebito doppio", "Vedo due pagamenti per la stessa fattura sull'estratto conto della carta.", "Ha ragione, il secondo addebito è un nostro errore: il rimborso è già partito e arriverà entro cinque giorni."),
            ("Prodotto difettoso", "La lavatrice perde acqua dal primo utilizzo.", "Le mandiamo un tecnico giovedì mattina, senza costi."),
        ],
        ["es"] =
        [
            ("El paquete no ha llegado", "Mi pedido tenía que llegar el martes pasado y el seguimiento no se mueve.", "Lo siento mucho. He contactado con la mensajería y le llamo antes del viernes."),
            ("Cobro duplicado", "Veo dos cargos por la misma factura en mi tarjeta.", "Tiene razón, el segundo cargo es un error nuestro; el reembolso ya está en camino."),
            ("Cambio de dirección", "Me he mudado a Sevilla y quiero que los próximos envíos lleguen a la nueva dirección.", "Hecho: la nueva dirección ya está guardada para todos sus pedidos."),
        ],
        ["ar"] =
        [
            ("الطرد لم يصل", "كان من المفترض أن يصل طلبي يوم الثلاثاء الماضي ولم يتحرك التتبع منذ ذلك الحين.", "نعتذر عن ذلك. تواصلنا مع شركة الشحن وسنتصل بك قبل يوم الجمعة."),
            ("خصم مكرر", "أرى دفعتين للفاتورة نفسها في كشف حساب بطاقتي.", "معك حق، الخصم الثاني خطأ منا وقد بدأنا إجراءات الاسترداد خلال خمسة أيام."),
            ("منتج معيب", "الجهاز يتوقف عن العمل بعد دقائق من تشغيله.", "سنرسل لك جهازاً بديلاً غداً دون أي تكلفة."),
        ],
    };

    /// <summary>Canned replies the demo team starts with, in every language.</summary>
    public static readonly (string Language, string Title, string Body)[] CannedReplies =
    [
        ("en", "Thank you, we are on it", "Hello {{customer.first_name}},\n\nthank you for writing to us. I am looking into it now and will get back to you today.\n\n{{agent.name}}"),
        ("en", "Refund on its way", "Hello {{customer.first_name}},\n\nthe refund has been issued and should reach you within five working days. Your case number is {{case.id}}.\n\n{{agent.name}}"),
        ("it", "Grazie, ce ne occupiamo", "Gentile {{customer.name}},\n\ngrazie per averci scritto. Me ne sto occupando ora e le rispondo entro oggi.\n\n{{agent.name}}"),
        ("it", "Rimborso in arrivo", "Gentile {{customer.name}},\n\nil rimborso è partito e arriverà entro cinque giorni lavorativi. Il numero del suo caso è {{case.id}}.\n\n{{agent.name}}"),
        ("es", "Gracias, nos ocupamos", "Hola, {{customer.first_name}}:\n\ngracias por escribirnos. Ya lo estoy revisando y le respondo hoy mismo.\n\n{{agent.name}}"),
        ("es", "Reembolso en camino", "Hola, {{customer.first_name}}:\n\nel reembolso ya está emitido y le llegará en un máximo de cinco días hábiles. Su número de caso es {{case.id}}.\n\n{{agent.name}}"),
        ("ar", "شكراً، نحن نتابع", "مرحباً {{customer.first_name}}،\n\nشكراً لتواصلك معنا. أتابع الموضوع الآن وسأرد عليك اليوم.\n\n{{agent.name}}"),
        ("ar", "الاسترداد في الطريق", "مرحباً {{customer.first_name}}،\n\nتم إصدار المبلغ المسترد وسيصلك خلال خمسة أيام عمل. رقم حالتك هو {{case.id}}.\n\n{{agent.name}}"),
    ];

    public static readonly (string Name, string Description)[] Segments =
    [
        ("Households", "People buying for themselves and their families"),
        ("Small business", "Shops, workshops and studios with up to ten people"),
        ("Key accounts", "Large organisations with a dedicated contact"),
        ("Distribution network", "Distributors and retailers who sell on our behalf"),
        ("New this year", "Customers whose first contact was this year"),
    ];

    public static readonly string[] Organisations =
    [
        "Ferramenta Galli & Figli", "Distribuciones Levante S.L.", "Al Noor Trading LLC", "Bennett & Hughes Ltd",
        "Cooperativa Agricola Emiliana", "Almacenes Núñez", "مؤسسة القاسم للتجارة", "Northern Retail Group",
    ];

    public static readonly string[] Departments = ["Customer Care", "Billing", "Logistics", "Technical Support", "Returns"];

    /// <summary>Rome office hours, Monday to Friday, with the Italian public holidays.</summary>
    public static readonly Ribalta.Cases.Targets.CalendarInput OrganisationCalendar = new(
        "Europe/Rome",
        new Dictionary<string, string?> { ["mon"] = "09:00-18:00", ["tue"] = "09:00-18:00", ["wed"] = "09:00-18:00", ["thu"] = "09:00-18:00", ["fri"] = "09:00-18:00" },
        [
            new(new DateOnly(2026, 12, 8), "Immacolata"), new(new DateOnly(2026, 12, 25), "Natale"), new(new DateOnly(2026, 12, 26), "Santo Stefano"),
            new(new DateOnly(2027, 1, 1), "Capodanno"), new(new DateOnly(2027, 1, 6), "Epifania"), new(new DateOnly(2027, 3, 29), "Lunedì dell'Angelo"),
            new(new DateOnly(2027, 4, 25), "Festa della Liberazione"), new(new DateOnly(2027, 5, 1), "Festa dei Lavoratori"), new(new DateOnly(2027, 6, 2), "Festa della Repubblica"),
            new(new DateOnly(2027, 8, 15), "Ferragosto"), new(new DateOnly(2027, 11, 1), "Ognissanti"),
        ]);

    /// <summary>Working-time targets for everyone, and faster first answers for the trade segment (the fourth).</summary>
    public static IReadOnlyList<Ribalta.Cases.Targets.TargetInput> Targets(IReadOnlyList<Guid> segments)
    {
        List<Ribalta.Cases.Targets.TargetInput> rows =
        [
            new(Ribalta.Cases.Contracts.CasePriority.Urgent, null, 60, 8 * 60),
            new(Ribalta.Cases.Contracts.CasePriority.High, null, 4 * 60, 16 * 60),
            new(Ribalta.Cases.Contracts.CasePriority.Normal, null, 8 * 60, 40 * 60),
            new(Ribalta.Cases.Contracts.CasePriority.Low, null, 16 * 60, 80 * 60),
        ];
        if (segments.Count > 3)
        {
            rows.Add(new(Ribalta.Cases.Contracts.CasePriority.Urgent, segments[3], 30, 4 * 60));
            rows.Add(new(Ribalta.Cases.Contracts.CasePriority.High, segments[3], 2 * 60, 8 * 60));
        }

        return rows;
    }

    /// <summary>One demo login per role, with a name in one of the four languages and that language as preference.</summary>
    public static readonly (string Role, string Email, string Name, string Language, string Department)[] Staff =
    [
        ("Frontline", "agent@demo.ribalta.test", "Ana Ortega", "es", "Customer Care"),
        ("Frontline", "agente@demo.ribalta.test", "Paolo Conti", "it", "Customer Care"),
        ("Frontline", "wakeel@demo.ribalta.test", "رنا حداد", "ar", "Customer Care"),
        ("TeamLead", "lead@demo.ribalta.test", "Sam Whitaker", "en", "Customer Care"),
        ("Manager", "manager@demo.ribalta.test", "Elena Marchetti", "it", "Customer Care"),
        ("Department", "billing@demo.ribalta.test", "Jorge Castillo", "es", "Billing"),
        ("Department", "logistics@demo.ribalta.test", "Hannah Price", "en", "Logistics"),
        ("Executive", "exec@demo.ribalta.test", "Karim Nasser", "ar", "Customer Care"),
        ("Admin", "admin@demo.ribalta.test", "Alex Morgan", "en", "Customer Care"),
    ];

    public static readonly (Empowerment.Contracts.ResolutionKind Kind, Empowerment.Contracts.OptionMeasure Measure, Dictionary<string, string> Names)[] ResolutionOptions =
    [
        (Empowerment.Contracts.ResolutionKind.Refund, Empowerment.Contracts.OptionMeasure.Money, new() { ["en"] = "Refund", ["it"] = "Rimborso", ["es"] = "Reembolso", ["ar"] = "استرداد المبلغ" }),
        (Empowerment.Contracts.ResolutionKind.Credit, Empowerment.Contracts.OptionMeasure.Money, new() { ["en"] = "Account credit", ["it"] = "Credito sul conto", ["es"] = "Crédito en la cuenta", ["ar"] = "رصيد في الحساب" }),
        (Empowerment.Contracts.ResolutionKind.FeeWaiver, Empowerment.Contracts.OptionMeasure.Money, new() { ["en"] = "Waive a fee", ["it"] = "Annullare un addebito", ["es"] = "Anular un cargo", ["ar"] = "إلغاء رسم" }),
        (Empowerment.Contracts.ResolutionKind.Replacement, Empowerment.Contracts.OptionMeasure.Items, new() { ["en"] = "Free replacement", ["it"] = "Sostituzione gratuita", ["es"] = "Reemplazo gratuito", ["ar"] = "استبدال مجاني" }),
        (Empowerment.Contracts.ResolutionKind.Extension, Empowerment.Contracts.OptionMeasure.Days, new() { ["en"] = "Extend a deadline", ["it"] = "Prorogare una scadenza", ["es"] = "Ampliar un plazo", ["ar"] = "تمديد مهلة" }),
        (Empowerment.Contracts.ResolutionKind.PolicyException, Empowerment.Contracts.OptionMeasure.Exception, new() { ["en"] = "Return after 30 days", ["it"] = "Reso oltre i 30 giorni", ["es"] = "Devolución pasados 30 días", ["ar"] = "الإرجاع بعد 30 يومًا" }),
    ];

    private static Empowerment.Contracts.MoneyDto Eur(decimal amount) => new(amount, "EUR");

    public static readonly (Empowerment.Contracts.ResolutionKind Kind, string Role, Empowerment.Envelopes.EnvelopeRuleInput Rule)[] Envelopes =
    [
        (Empowerment.Contracts.ResolutionKind.Refund, "Frontline", new(null, null, PerGrant: [Eur(50), new(55, "USD"), new(200, "SAR")], PerCustomer: [Eur(150), new(165, "USD"), new(600, "SAR")], MonthlyBudget: [Eur(2000), new(2200, "USD"), new(8000, "SAR")])),
        (Empowerment.Contracts.ResolutionKind.Credit, "Frontline", new(null, null, PerGrant: [Eur(30)], PerCustomer: [Eur(60)], MonthlyBudget: [Eur(1000)])),
        (Empowerment.Contracts.ResolutionKind.FeeWaiver, "Frontline", new(null, null, PerGrant: [Eur(25)], MonthlyBudget: [Eur(500)])),
        (Empowerment.Contracts.ResolutionKind.Replacement, "Frontline", new(null, null, MaxQuantity: 2, MaxGrantsPerCustomer: 2)),
        (Empowerment.Contracts.ResolutionKind.Extension, "Frontline", new(null, null, MaxQuantity: 14, MaxGrantsPerCustomer: 3)),
        (Empowerment.Contracts.ResolutionKind.Refund, "TeamLead", new(null, null, PerGrant: [Eur(200)], PerCustomer: [Eur(400)], MonthlyBudget: [Eur(6000)])),
        (Empowerment.Contracts.ResolutionKind.Credit, "TeamLead", new(null, null, PerGrant: [Eur(100)], PerCustomer: [Eur(200)], MonthlyBudget: [Eur(3000)])),
        (Empowerment.Contracts.ResolutionKind.FeeWaiver, "TeamLead", new(null, null, PerGrant: [Eur(75)], MonthlyBudget: [Eur(1500)])),
        (Empowerment.Contracts.ResolutionKind.Replacement, "TeamLead", new(null, null, MaxQuantity: 5, MaxGrantsPerCustomer: 3)),
        (Empowerment.Contracts.ResolutionKind.Extension, "TeamLead", new(null, null, MaxQuantity: 30, MaxGrantsPerCustomer: 4)),
        (Empowerment.Contracts.ResolutionKind.PolicyException, "TeamLead", new(null, null, MaxGrantsPerCustomer: 1)),
        (Empowerment.Contracts.ResolutionKind.Refund, "Manager", new(null, null, PerGrant: [Eur(1000), new(1100, "USD"), new(4000, "SAR")], PerCustomer: [Eur(2000)], MonthlyBudget: [Eur(20000)])),
        (Empowerment.Contracts.ResolutionKind.Credit, "Manager", new(null, null, PerGrant: [Eur(500)], PerCustomer: [Eur(1000)], MonthlyBudget: [Eur(10000)])),
        (Empowerment.Contracts.ResolutionKind.FeeWaiver, "Manager", new(null, null, PerGrant: [Eur(300)], MonthlyBudget: [Eur(5000)])),
        (Empowerment.Contracts.ResolutionKind.Replacement, "Manager", new(null, null, MaxQuantity: 10)),
        (Empowerment.Contracts.ResolutionKind.Extension, "Manager", new(null, null, MaxQuantity: 90)),
        (Empowerment.Contracts.ResolutionKind.PolicyException, "Manager", new(null, null, MaxGrantsPerCustomer: 3)),
    ];

    /// <summary>
    /// Promises the demo staff made, in the customer's language: whose, what kind, the words, due in how many minutes
    /// from seeding, and whether already kept. One falls due a quarter of an hour after start, to be seen breaking.
    /// </summary>
    public static readonly (string Owner, string Language, Empowerment.Contracts.PromiseKind Kind, string Words, int DueMinutes, bool Kept)[] Promises =
    [
        ("agent@demo.ribalta.test", "es", Empowerment.Contracts.PromiseKind.CallBack, "Te llamo mañana por la mañana para confirmar la entrega.", 180, false),
        ("agent@demo.ribalta.test", "en", Empowerment.Contracts.PromiseKind.Refund, "You will see the refund on your card within 5 working days.", 60 * 24 * 5, false),
        ("agente@demo.ribalta.test", "it", Empowerment.Contracts.PromiseKind.Shipment, "Il pacco sostitutivo parte domani con corriere espresso.", 60 * 24, true),
        ("wakeel@demo.ribalta.test", "ar", Empowerment.Contracts.PromiseKind.Answer, "سأعود إليك بإجابة من قسم الفواتير اليوم.", 15, false),
        ("lead@demo.ribalta.test", "en", Empowerment.Contracts.PromiseKind.CallBack, "I will call you on Friday to make sure everything arrived.", 60 * 24 * 3, true),
    ];

    /// <summary>Gestures of goodwill the demo team planned: kind, what, in how many days, cost in EUR, and what happened if done.</summary>
    public static readonly (Empowerment.Contracts.GestureKind Kind, string Description, int InDays, decimal? Cost, string? Done)[] Gestures =
    [
        (Empowerment.Contracts.GestureKind.HandwrittenNote, "A handwritten thank-you for ten years as a customer", 0, null, "She posted a photo of the card on the shop's page."),
        (Empowerment.Contracts.GestureKind.Flowers, "Flowers after the third delivery mix-up", 0, 35, "He called back just to say thank you."),
        (Empowerment.Contracts.GestureKind.Call, "A call on the day of her mother's surgery, to see how she is", 1, null, null),
    ];

    /// <summary>Help the demo front line asks: what for, of whom (a person's email or a department), the words, and the answer if any.</summary>
    public static readonly (Empowerment.Contracts.HelpReason Reason, string Whom, string Question, decimal? Refund, Empowerment.Help.HelpDecision? Decision, string? Answer)[] HelpAsked =
    [
        (Empowerment.Contracts.HelpReason.AboveEnvelope, "lead@demo.ribalta.test", "Third broken delivery in a row; the customer asks for 70 EUR back.", 70, Empowerment.Help.HelpDecision.Approve, "Yes: three in a row is on us. Granted."),
        (Empowerment.Contracts.HelpReason.Question, "Billing", "Was the customer charged twice on the 3rd? I see two lines with the same amount.", null, Empowerment.Help.HelpDecision.Answer, "Yes, a duplicate charge from the payment provider; it is reversed automatically within 3 days."),
        (Empowerment.Contracts.HelpReason.NotInCatalogue, "lead@demo.ribalta.test", "Could we send a courier to collect the broken item tomorrow morning? The customer cannot leave home.", null, null, null),
        (Empowerment.Contracts.HelpReason.AboveEnvelope, "lead@demo.ribalta.test", "Long-time customer, a whole order lost; I propose refunding 90 EUR.", 90, null, null),
        (Empowerment.Contracts.HelpReason.Question, "Logistics", "When will the warehouse ship the replacement? The customer has an event on Saturday.", null, null, null),
        (Empowerment.Contracts.HelpReason.AboveEnvelope, "manager@demo.ribalta.test", "Refund of 300 EUR for a gift that never arrived; above what I and the lead can do.", 300, Empowerment.Help.HelpDecision.Decline, "Let us first ask Logistics to trace it; I will decide tomorrow if it does not turn up."),
    ];

    public static readonly string[] GrantReasons =
    [
        "Arrived damaged",
        "Delivered a week late",
        "Charged twice by mistake",
        "Second contact about the same problem",
    ];
}

