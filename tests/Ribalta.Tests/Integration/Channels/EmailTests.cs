using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Domain;
using Ribalta.Channels.Email;
using Ribalta.Platform.Data;
using Ribalta.Tests.Infrastructure;
using Xunit;

namespace Ribalta.Tests.Integration.Channels;

/// <summary>
/// Email end to end against real servers (Dovecot over IMAP and POP3, an aiosmtpd sink): mail lands once in its
/// customer's case, threads on reply, the agent's reply goes back threaded, automatic mail is never answered, a
/// bounce marks the reply failed, SMTP down loses nothing and sends nothing twice.
/// </summary>
public abstract class EmailTests(RibaltaApp app, MailServers mail)
{
    protected RibaltaApp App { get; } = app;

    /// <summary>A mailbox on the test servers that signs its mail in the customer's language.</summary>
    private async Task<(HttpClient Admin, MailboxDto Mailbox)> MailboxAsync(string user, MailProtocol protocol = MailProtocol.Imap)
    {
        var admin = await App.AsAdmin();
        return (admin, await admin.CreateMailboxAsync(mail.MailboxOf(user, sending: true) with
        {
            InboundProtocol = protocol,
            InboundPort = protocol == MailProtocol.Imap ? mail.ImapPort : mail.Pop3Port,
            Signatures = new Dictionary<string, string> { ["en"] = "Acme Support team", ["it"] = "Il team di assistenza Acme", ["es"] = "El equipo de soporte de Acme", ["ar"] = "فريق دعم Acme" },
        }));
    }

    private static MimeMessage Customer(string from, string subject, string text, string? messageId = null, string? inReplyTo = null, string name = "Giulia Ferri")
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(name, from));
        message.To.Add(new MailboxAddress("Support", "support@acme.test"));
        message.Subject = subject;
        message.MessageId = messageId ?? $"{Guid.NewGuid():N}@example.it";
        if (inReplyTo is not null)
        {
            message.InReplyTo = inReplyTo;
            message.References.Add(inReplyTo);
        }

        message.Body = new TextPart("plain") { Text = text };
        return message;
    }

    private Task<EmailRecord?> RecordAsync(string? messageId) =>
        App.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Set<EmailRecord>().AsNoTracking().FirstOrDefaultAsync(e => e.Key == $"<{messageId}>"));

    private Task<List<Message>> MessagesAsync(long caseId) =>
        App.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Set<Message>().AsNoTracking().Where(m => m.CaseId == caseId).OrderBy(m => m.Id).ToListAsync());

    private Task<Case> CaseAsync(long caseId) =>
        App.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Set<Case>().AsNoTracking().FirstAsync(c => c.Id == caseId));

    [Fact]
    public async Task An_email_lands_once_the_reply_goes_back_threaded_and_the_answer_threads_on_the_case()
    {
        var (admin, mailbox) = await MailboxAsync("imap1");
        var customer = $"{Api.Unique("giulia")}@example.it";
        var first = Customer(customer, "Ordine arrivato rotto", "Buongiorno, il mio ordine è arrivato con il vetro rotto. Potete mandarne uno nuovo?\n\nIl giorno lun 2 nov 2026 alle ore 10:00 Negozio <info@shop.it> ha scritto:\n> Grazie per il suo ordine");
        await mail.DeliverAsync("imap1", first);

        var result = await admin.PollAsync(mailbox.Id);
        Assert.Equal(1, result.Landed);
        var record = await RecordAsync(first.MessageId);
        Assert.NotNull(record);
        var caseId = record.CaseId!.Value;
        var @case = await CaseAsync(caseId);
        Assert.Equal(Channel.Email, @case.Channel);
        Assert.Equal("it", @case.Language);
        var messages = await MessagesAsync(caseId);
        var only = Assert.Single(messages);
        Assert.Contains("vetro rotto", only.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("Grazie per il suo ordine", only.Body, StringComparison.Ordinal);

        // Fetched again (another check, nothing new): stored once, and marked seen on the server after the commit.
        var again = await admin.PollAsync(mailbox.Id);
        Assert.Equal(0, again.Landed);
        Assert.Single(await MessagesAsync(caseId));
        var inbox = await mail.InboxAsync("imap1");
        Assert.NotEmpty(inbox);
        Assert.All(inbox, m => Assert.True(m.Seen));

        // The agent's reply goes out through SMTP, threaded on the customer's mail, signed in their language.
        var agent = await App.AsFrontline();
        var reply = await agent.PostAsJsonAsync($"/api/v1/cases/{caseId}/replies", new { body = "Ci scusiamo: un nuovo ordine parte oggi." }, Api.Json);
        Assert.Equal(HttpStatusCode.Created, reply.StatusCode);
        var sent = Assert.Single(await mail.WaitForSentAsync(m => m.InReplyTo == first.MessageId));
        Assert.Equal(customer, sent.To.Mailboxes.Single().Address);
        Assert.Equal(mailbox.Address, sent.From.Mailboxes.Single().Address);
        Assert.Contains($"[#{caseId}]", sent.Subject, StringComparison.Ordinal);
        Assert.Contains(first.MessageId, sent.References);
        Assert.Contains("Ci scusiamo", sent.TextBody, StringComparison.Ordinal);
        Assert.Contains("Il team di assistenza Acme", sent.TextBody, StringComparison.Ordinal);
        Assert.NotNull(sent.Headers[EmailParser.LoopHeader]);

        // The delivery shows on the reply in the conversation.
        var page = await agent.GetFromJsonAsync<MessagePage>($"/api/v1/cases/{caseId}/messages", Api.Json);
        await WaitForAsync(async () => (await agent.GetFromJsonAsync<MessagePage>($"/api/v1/cases/{caseId}/messages", Api.Json))!.Items.Last().Email?.Delivery == "Sent");
        Assert.Equal(customer, page!.Items.First().Email!.Address);

        // The customer's own view of the conversation (the portal's) carries the messages, never the mail behind them.
        var own = await App.WithServices(sp => sp.GetRequiredService<Ribalta.Cases.ViewCase.CaseReader>()
            .MessagesAsync(caseId, new Ribalta.Cases.ViewCase.CaseViewer(@case.CustomerId), null, Ribalta.Cases.ViewCase.CaseReader.MessagePageSize, default));
        Assert.Equal([MessageKind.Customer, MessageKind.Reply], own!.Items.Select(m => m.Kind));
        Assert.All(own.Items, m => Assert.Null(m.Email));

        // The customer answers the reply: same case, reopened.
        var answer = Customer(customer, sent.Subject!.Replace("Re: ", "R: ", StringComparison.Ordinal), "Grazie mille, aspetto il pacco nuovo allora.\n\n-- \nGiulia", inReplyTo: sent.MessageId);
        await mail.DeliverAsync("imap1", answer);
        Assert.Equal(1, (await admin.PollAsync(mailbox.Id)).Landed);
        Assert.Equal(caseId, (await RecordAsync(answer.MessageId))!.CaseId);
        var thread = await MessagesAsync(caseId);
        Assert.Equal([MessageKind.Customer, MessageKind.Reply, MessageKind.Customer], thread.Select(m => m.Kind));
        Assert.Equal("Grazie mille, aspetto il pacco nuovo allora.", thread[^1].Body);
        Assert.Equal(CaseStatus.Open, (await CaseAsync(caseId)).Status);
    }

    [Fact]
    public async Task A_case_token_in_the_subject_threads_only_for_the_same_customer()
    {
        var (admin, mailbox) = await MailboxAsync("imap2");
        var owner = $"{Api.Unique("owner")}@example.es";
        var first = Customer(owner, "Mi pedido no llega", "Hola, mi pedido lleva dos semanas de retraso y nadie me dice nada.", name: "Lucía Gómez");
        await mail.DeliverAsync("imap2", first);
        await admin.PollAsync(mailbox.Id);
        var caseId = (await RecordAsync(first.MessageId))!.CaseId!.Value;

        var follow = Customer(owner, $"Re: [#{caseId}] Mi pedido no llega", "Sigo esperando una respuesta sobre mi pedido, por favor.", name: "Lucía Gómez");
        var stranger = Customer($"{Api.Unique("other")}@example.es", $"Re: [#{caseId}] Mi pedido no llega", "Quiero ver este caso aunque no sea mío, gracias.", name: "Intruso");
        await mail.DeliverAsync("imap2", follow);
        await mail.DeliverAsync("imap2", stranger);
        Assert.Equal(2, (await admin.PollAsync(mailbox.Id)).Landed);
        Assert.Equal(caseId, (await RecordAsync(follow.MessageId))!.CaseId);
        Assert.NotEqual(caseId, (await RecordAsync(stranger.MessageId))!.CaseId);
        Assert.Equal(2, (await MessagesAsync(caseId)).Count);
    }

    [Fact]
    public async Task Automatic_mail_is_never_answered_and_a_bounce_marks_the_reply_failed()
    {
        var (admin, mailbox) = await MailboxAsync("imap3");
        var customer = $"{Api.Unique("away")}@example.com";
        var first = Customer(customer, "Refund please", "Hello, I returned the parcel last week and would like my refund.", name: "Sam Lee");
        await mail.DeliverAsync("imap3", first);
        await admin.PollAsync(mailbox.Id);
        var caseId = (await RecordAsync(first.MessageId))!.CaseId!.Value;
        var agent = await App.AsFrontline();
        await agent.PostAsJsonAsync($"/api/v1/cases/{caseId}/replies", new { body = "Your refund is on its way." }, Api.Json);
        var sent = Assert.Single(await mail.WaitForSentAsync(m => m.InReplyTo == first.MessageId));

        // Out of office: noted on the case for staff, not the customer's words, nothing sent back.
        var away = Customer(customer, "Automatic reply: Re: Refund please", "I am out of the office until Monday with limited access to email.", inReplyTo: sent.MessageId, name: "Sam Lee");
        away.Headers.Add(HeaderId.AutoSubmitted, "auto-replied");
        await mail.DeliverAsync("imap3", away);

        // A bounce of our reply, from the mail system.
        var bounce = new MimeMessage();
        bounce.From.Add(new MailboxAddress("Mail Delivery System", "MAILER-DAEMON@mx.example.com"));
        bounce.To.Add(MailboxAddress.Parse(mailbox.Address));
        bounce.Subject = "Undelivered Mail Returned to Sender";
        bounce.MessageId = $"{Guid.NewGuid():N}@mx.example.com";
        bounce.Body = new TextPart("plain") { Text = $"This is the mail system at host mx.example.com.\n\n<{customer}>: mailbox full\n\nMessage-ID: <{sent.MessageId}>\n" };
        await mail.DeliverAsync("imap3", bounce);

        var result = await admin.PollAsync(mailbox.Id);
        Assert.Equal(0, result.Landed);
        Assert.Equal(2, result.Automatic);
        var thread = await MessagesAsync(caseId);
        Assert.Equal([MessageKind.Customer, MessageKind.Reply, MessageKind.System, MessageKind.System], thread.Select(m => m.Kind));
        Assert.Contains("Email.AutoReplyReceived", thread[2].Body, StringComparison.Ordinal);
        Assert.Contains("Email.Bounced", thread[3].Body, StringComparison.Ordinal);
        Assert.Equal(CaseStatus.WaitingOnCustomer, (await CaseAsync(caseId)).Status);
        var outbound = await App.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Set<OutboundEmail>().AsNoTracking().SingleAsync(o => o.CaseId == caseId));
        Assert.Equal(OutboundStatus.Failed, outbound.Status);
        Assert.Single(mail.Sent(), m => m.To.Mailboxes.Any(a => a.Address == customer));

        // The customer never sees system entries.
        var customerView = await App.WithServices(sp => sp.GetRequiredService<Ribalta.Cases.ViewCase.CaseReader>().MessagesAsync(caseId, new Ribalta.Cases.ViewCase.CaseViewer(thread[0].AuthorId is { } id ? Guid.Parse(id) : Guid.Empty), null, 50, default));
        Assert.DoesNotContain(customerView!.Items, m => m.Kind == MessageKind.System);

        // Staff read the entries in their own language.
        var italian = await App.AsFrontline();
        italian.DefaultRequestHeaders.AcceptLanguage.ParseAdd("it");
        var html = await italian.GetStringAsync($"/cases/{caseId}");
        Assert.Contains("Risposta automatica da", html, StringComparison.Ordinal);
        Assert.Contains("tornata indietro", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_workers_racing_on_one_message_store_it_once_and_a_crash_before_marking_it_seen_lands_nothing_twice()
    {
        var (admin, mailbox) = await MailboxAsync("imap4");
        var message = Customer($"{Api.Unique("race")}@example.com", "Two workers", "The same message fetched by two workers at the same moment must land once.");
        byte[] raw;
        using (var stream = new MemoryStream())
        {
            await message.WriteToAsync(stream);
            raw = stream.ToArray();
        }

        var entity = await App.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Set<Mailbox>().AsNoTracking().FirstAsync(m => m.Id == mailbox.Id));
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => App.WithServices(sp => sp.GetRequiredService<EmailIntake>().LandAsync(entity, raw, default)))));
        Assert.Equal([IntakeOutcome.Landed, IntakeOutcome.Duplicate], outcomes.Order());
        var record = await RecordAsync(message.MessageId);
        Assert.Single(await MessagesAsync(record!.CaseId!.Value));

        // As if a worker had committed it and died before marking it seen: the next check recognises it and marks it.
        await mail.DeliverAsync("imap4", raw);
        var result = await admin.PollAsync(mailbox.Id);
        Assert.Equal((1, 0, 1), (result.Fetched, result.Landed, result.Duplicates));
        Assert.Single(await MessagesAsync(record.CaseId!.Value));
        var inbox = await mail.InboxAsync("imap4");
        Assert.NotEmpty(inbox);
        Assert.All(inbox, m => Assert.True(m.Seen));
    }

    [Fact]
    public async Task Pop3_mail_lands_with_its_files_and_is_deleted_from_the_server_only_after_the_commit()
    {
        var (admin, mailbox) = await MailboxAsync("pop1", MailProtocol.Pop3);
        var message = Customer($"{Api.Unique("pop")}@example.com", "Invoice attached", "Please find the invoice for the damaged item attached to this email.");
        var body = new BodyBuilder { TextBody = "Please find the invoice for the damaged item attached to this email." };
        body.Attachments.Add("invoice.pdf", Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"), new ContentType("application", "pdf"));
        body.Attachments.Add("setup.exe", [0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00], new ContentType("application", "octet-stream"));
        message.Body = body.ToMessageBody();
        await mail.DeliverAsync("pop1", message);

        var result = await admin.PollAsync(mailbox.Id);
        Assert.Equal(1, result.Landed);
        Assert.Empty(await mail.InboxAsync("pop1"));
        var caseId = (await RecordAsync(message.MessageId))!.CaseId!.Value;
        var agent = await App.AsFrontline();
        var page = (await agent.GetFromJsonAsync<MessagePage>($"/api/v1/cases/{caseId}/messages", Api.Json))!;
        Assert.Equal(["invoice.pdf"], page.Items[0].Attachments.Select(a => a.FileName));
        Assert.Equal(MessageKind.System, page.Items[1].Kind);
        Assert.Contains("setup.exe", page.Items[1].Body, StringComparison.Ordinal);

        // The original is kept whole, the refused file with it.
        var original = await agent.GetAsync($"/api/v1/cases/{caseId}/messages/{page.Items[0].Id}/email");
        Assert.Equal("message/rfc822", original.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", original.Content.Headers.ContentDisposition!.DispositionType);
        var kept = await MimeMessage.LoadAsync(await original.Content.ReadAsStreamAsync());
        Assert.Equal(message.MessageId, kept.MessageId);
        Assert.Contains(kept.Attachments, a => a is MimePart { FileName: "setup.exe" });
    }

    [Fact]
    public async Task Smtp_down_loses_nothing_and_sends_nothing_twice()
    {
        // The clock on a whole second, so the times below survive both databases' precision unchanged.
        App.Clock.Advance(TimeSpan.FromTicks(TimeSpan.TicksPerSecond - (App.Clock.GetUtcNow().UtcTicks % TimeSpan.TicksPerSecond)));
        var (admin, mailbox) = await MailboxAsync("imap5");
        var customer = $"{Api.Unique("wait")}@example.com";
        var first = Customer(customer, "Where is my parcel", "My parcel was due yesterday and the tracking has not moved since Monday.");
        await mail.DeliverAsync("imap5", first);
        await admin.PollAsync(mailbox.Id);
        var caseId = (await RecordAsync(first.MessageId))!.CaseId!.Value;

        await mail.StopSmtpAsync();
        OutboundEmail failedOnce;
        try
        {
            var agent = await App.AsFrontline();
            var reply = await agent.PostAsJsonAsync($"/api/v1/cases/{caseId}/replies", new { body = "The courier confirms delivery tomorrow." }, Api.Json);
            Assert.Equal(HttpStatusCode.Created, reply.StatusCode);
            failedOnce = await WaitForOutboundAsync(caseId, o => o.Attempts >= 1);
            Assert.Equal(OutboundStatus.Pending, failedOnce.Status);
            Assert.NotNull(failedOnce.LastError);
            Assert.Equal(App.Clock.GetUtcNow() + TimeSpan.FromMinutes(1), failedOnce.NextAttemptAt);
        }
        finally
        {
            await mail.StartSmtpAsync();
        }

        // A minute later, when it is due, with the server back: sent, once.
        App.Clock.Advance(failedOnce.NextAttemptAt - App.Clock.GetUtcNow());
        await App.Services.GetRequiredService<EmailDispatcher>().SendDueAsync(default);
        var sent = await WaitForOutboundAsync(caseId, o => o.Status == OutboundStatus.Sent);
        Assert.Equal((2, failedOnce.NextAttemptAt), (sent.Attempts, sent.SentAt!.Value));
        Assert.Single(await mail.WaitForSentAsync(m => m.MessageId == sent.HeaderMessageId));
        App.Clock.Advance(TimeSpan.FromHours(1));
        await App.Services.GetRequiredService<EmailDispatcher>().SendDueAsync(default);
        Assert.Single(mail.Sent(), m => m.MessageId == sent.HeaderMessageId);
    }

    [Fact]
    public async Task Mail_over_the_size_limit_stays_on_the_server_and_the_case_says_so()
    {
        var (admin, mailbox) = await MailboxAsync("imap6");
        var message = Customer($"{Api.Unique("big")}@example.com", "Photos of the damage", "Here are the photos of the damage, sorry they are big.");
        var body = new BodyBuilder { TextBody = "Here are the photos of the damage, sorry they are big." };
        body.Attachments.Add("photos.bin", RandomNumberGenerator(1_200_000), new ContentType("application", "octet-stream"));
        message.Body = body.ToMessageBody();
        await mail.DeliverAsync("imap6", message);

        var result = await admin.PollAsync(mailbox.Id);
        Assert.Equal(1, result.TooLarge);
        var record = await RecordAsync(message.MessageId);
        Assert.Equal(EmailDisposition.TooLarge, record!.Disposition);
        var thread = await MessagesAsync(record.CaseId!.Value);
        Assert.Equal([MessageKind.Customer, MessageKind.System], thread.Select(m => m.Kind));
        Assert.Contains("Email.TooLarge", thread[1].Body, StringComparison.Ordinal);
        Assert.Single(await mail.InboxAsync("imap6"));
        Assert.Equal(0, (await admin.PollAsync(mailbox.Id)).Fetched);
    }

    [Fact]
    public async Task Html_mail_is_served_sanitised_with_remote_images_blocked_until_allowed()
    {
        var (admin, mailbox) = await MailboxAsync("pop2", MailProtocol.Pop3);
        var message = Customer($"{Api.Unique("html")}@example.com", "Broken link", "unused");
        message.Body = new BodyBuilder
        {
            HtmlBody = "<div dir=\"ltr\"><p>The link in your newsletter is broken, please fix it soon.</p><img src=\"https://tracker.example/pixel.gif\"><script>alert(1)</script><a href=\"javascript:alert(2)\">x</a><img src=x onerror=alert(3)></div>",
        }.ToMessageBody();
        await mail.DeliverAsync("pop2", message);
        await admin.PollAsync(mailbox.Id);
        var record = await RecordAsync(message.MessageId);
        var agent = await App.AsFrontline();
        var url = $"/api/v1/cases/{record!.CaseId}/messages/{record.MessageId}/email/html";

        var blocked = await agent.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, blocked.StatusCode);
        var policy = blocked.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("https:", policy, StringComparison.Ordinal);
        var html = await blocked.Content.ReadAsStringAsync();
        Assert.Contains("newsletter is broken", html, StringComparison.Ordinal);
        Assert.DoesNotContain("tracker.example", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("javascript:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onerror", html, StringComparison.OrdinalIgnoreCase);

        var allowed = await agent.GetAsync(url + "?images=allow");
        Assert.Contains("https:", allowed.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("https://tracker.example/pixel.gif", await allowed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync($"/api/v1/cases/{record.CaseId + 100000}/messages/{record.MessageId}/email/html")).StatusCode);
    }

    [Fact]
    public async Task Mailbox_settings_are_checked_and_passwords_never_come_back()
    {
        var admin = await App.AsAdmin();
        var address = $"{Api.Unique("cfg")}@acme.test";
        MailboxInput Valid() => new("Sales", address, "Acme Sales", true, MailProtocol.Imap, "imap.example.com", null, MailSecurity.Tls, "sales", "s3cret-imap", null, null, 60,
            "smtp.example.com", null, MailSecurity.StartTls, "sales", "s3cret-smtp");

        await (await admin.PostAsJsonAsync("/api/v1/mailboxes", Valid() with { InboundSecurity = MailSecurity.None }, Api.Json)).AssertRefusedAsync("inboundHost");
        await (await admin.PostAsJsonAsync("/api/v1/mailboxes", Valid() with { SmtpSecurity = MailSecurity.None }, Api.Json)).AssertRefusedAsync("smtpHost");
        await (await admin.PostAsJsonAsync("/api/v1/mailboxes", Valid() with { InboundPort = 70000 }, Api.Json)).AssertRefusedAsync("inboundPort");
        await (await admin.PostAsJsonAsync("/api/v1/mailboxes", Valid() with { InboundPassword = null }, Api.Json)).AssertRefusedAsync("inboundPassword");
        await (await admin.PostAsJsonAsync("/api/v1/mailboxes", Valid() with { Address = "not an address" }, Api.Json)).AssertRefusedAsync("address");
        await (await admin.PostAsJsonAsync("/api/v1/mailboxes", Valid() with { PollSeconds = 1 }, Api.Json)).AssertRefusedAsync("pollSeconds");
        await (await admin.PostAsJsonAsync("/api/v1/mailboxes", Valid() with { InboundHost = "bad host!" }, Api.Json)).AssertRefusedAsync("inboundHost");
        await (await admin.PostAsJsonAsync("/api/v1/mailboxes", Valid() with { Signatures = new Dictionary<string, string> { ["fr"] = "Bonjour" } }, Api.Json)).AssertRefusedAsync("signatures");
        Assert.DoesNotContain((await admin.GetFromJsonAsync<List<MailboxDto>>("/api/v1/mailboxes", Api.Json))!, m => m.Address == address);

        var created = await admin.PostAsJsonAsync("/api/v1/mailboxes", Valid(), Api.Json);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadAsStringAsync();
        Assert.DoesNotContain("s3cret", body, StringComparison.Ordinal);
        var mailbox = JsonSerializer.Deserialize<MailboxDto>(body, Api.Json)!;
        Assert.True(mailbox.HasInboundPassword && mailbox.HasSmtpPassword);
        Assert.Equal((993, 587), (mailbox.InboundPort, mailbox.SmtpPort));
        var stored = await App.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Set<Mailbox>().AsNoTracking().FirstAsync(m => m.Id == mailbox.Id));
        Assert.DoesNotContain("s3cret", stored.ProtectedInboundPassword!, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", stored.ProtectedSmtpPassword!, StringComparison.Ordinal);

        // An edit without passwords keeps them; the same address twice is refused.
        var edited = await admin.PutAsJsonAsync($"/api/v1/mailboxes/{mailbox.Id}", Valid() with { Name = "Sales EU", InboundPassword = null, SmtpPassword = null }, Api.Json);
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        var after = await App.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Set<Mailbox>().AsNoTracking().FirstAsync(m => m.Id == mailbox.Id));
        Assert.Equal(stored.ProtectedInboundPassword, after.ProtectedInboundPassword);
        await (await admin.PostAsJsonAsync("/api/v1/mailboxes", Valid(), Api.Json)).AssertRefusedAsync("address");

        // The stored password goes only to the server it was given for: another host needs it typed again.
        await (await admin.PutAsJsonAsync($"/api/v1/mailboxes/{mailbox.Id}", Valid() with { InboundHost = "imap.attacker.example", InboundPassword = null, SmtpPassword = null }, Api.Json)).AssertRefusedAsync("inboundPassword");

        // A server that cannot be reached is an error the admin can read, not a failure of the app.
        var unreachable = await admin.PutAsJsonAsync($"/api/v1/mailboxes/{mailbox.Id}", Valid() with { InboundHost = "127.0.0.1", InboundPort = 1, InboundSecurity = MailSecurity.None, InboundPassword = "another", Enabled = false }, Api.Json);
        Assert.Equal(HttpStatusCode.OK, unreachable.StatusCode);
        var poll = await admin.PostAsync($"/api/v1/mailboxes/{mailbox.Id}/poll", null);
        Assert.Equal(HttpStatusCode.OK, poll.StatusCode);
        Assert.NotNull((await poll.Content.ReadFromJsonAsync<PollResult>(Api.Json))!.Error);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/mailboxes/{mailbox.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync($"/api/v1/mailboxes/{mailbox.Id}/poll", null)).StatusCode);
    }

    /// <summary>Waits in real time, the clock standing still: the dispatcher tries new mail at once, retries only when due.</summary>
    private async Task<OutboundEmail> WaitForOutboundAsync(long caseId, Func<OutboundEmail, bool> done)
    {
        for (var i = 0; i < 300; i++)
        {
            var outbound = await App.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Set<OutboundEmail>().AsNoTracking().Where(o => o.CaseId == caseId).ToListAsync());
            if (outbound.FirstOrDefault(done) is { } found)
            {
                return found;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The outbox did not reach the expected state");
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 300; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("Condition not met");
    }

    private static byte[] RandomNumberGenerator(int size) => System.Security.Cryptography.RandomNumberGenerator.GetBytes(size);
}

[Collection(SqliteCollection.Name)]
[Trait("Suite", "Sqlite")]
public sealed class EmailTestsOnSqlite(SqliteAppFixture fixture, MailServers mail) : EmailTests(fixture.App, mail), IClassFixture<MailServers>;

[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class EmailTestsOnPostgres(PostgresAppFixture fixture, MailServers mail) : EmailTests(fixture.App, mail), IClassFixture<MailServers>;
