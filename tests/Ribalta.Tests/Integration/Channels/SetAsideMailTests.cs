using Ribalta.Channels.Contracts;
using System.Net;
using System.Net.Http.Json;
using System.Text;
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
/// Mail that opens no case is never lost and never invisible: distinct mails without a Message-ID stay distinct and
/// are deleted from the server only once stored; a NUL in a header lands cleaned; read receipts and abuse reports are
/// automatic; mail without a valid sender, bounces of nothing and mail that cannot be stored are set aside, listed for
/// administrators with why, downloadable, and opened as a case when the refusal was wrong.
/// </summary>
public abstract class SetAsideMailTests(RibaltaApp app, MailServers mail)
{
    protected RibaltaApp App { get; } = app;

    private async Task<(HttpClient Admin, MailboxDto Mailbox)> MailboxAsync(string user, AfterImport after = AfterImport.MarkSeen)
    {
        var admin = await App.AsAdmin();
        return (admin, await admin.CreateMailboxAsync(mail.MailboxOf(user) with { AfterImport = after }));
    }

    private static byte[] Raw(string headers, string body) => Encoding.UTF8.GetBytes(headers.ReplaceLineEndings("\r\n") + "\r\n\r\n" + body.ReplaceLineEndings("\r\n"));

    private Task<List<EmailRecord>> RecordsFromAsync(string address) =>
        App.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Set<EmailRecord>().AsNoTracking().Where(e => e.Address == address).OrderBy(e => e.Id).ToListAsync());

    private Task<List<Message>> MessagesAsync(long caseId) =>
        App.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Set<Message>().AsNoTracking().Where(m => m.CaseId == caseId).OrderBy(m => m.Id).ToListAsync());

    private static async Task<IReadOnlyList<SetAsideMailDto>> SetAsideAsync(HttpClient admin, Guid mailboxId) =>
        (await admin.GetFromJsonAsync<List<SetAsideMailDto>>($"/api/v1/mailboxes/{mailboxId}/set-aside", Api.Json))!;

    [Fact]
    public async Task Mails_without_a_message_id_that_differ_only_in_a_file_or_their_html_are_two_mails_each_deleted_only_once_stored()
    {
        var (admin, mailbox) = await MailboxAsync("imap7", AfterImport.Delete);
        var customer = $"{Api.Unique("noid")}@example.com";
        MimeMessage Mail(string? file, string? html)
        {
            var message = new MimeMessage();
            message.From.Add(new MailboxAddress("Sam Lee", customer));
            message.To.Add(MailboxAddress.Parse(mailbox.Address));
            message.Date = new DateTimeOffset(2026, 11, 3, 9, 0, 0, TimeSpan.Zero);
            message.Subject = "Invoice for the broken kettle";
            var body = new BodyBuilder { TextBody = "Here is the invoice for the broken kettle, as you asked.", HtmlBody = html };
            if (file is not null)
            {
                body.Attachments.Add(file, Encoding.ASCII.GetBytes($"%PDF-1.4\n% {file}\ntrailer<<>>\n%%EOF\n"), new ContentType("application", "pdf"));
            }

            message.Body = body.ToMessageBody();
            message.Headers.Remove(HeaderId.MessageId);
            return message;
        }

        var files = new[] { "invoice-march.pdf", "invoice-april.pdf" };
        foreach (var file in files)
        {
            await mail.DeliverAsync("imap7", Mail(file, null));
        }

        await mail.DeliverAsync("imap7", Mail(null, "<p>Here is the invoice for the <b>broken kettle</b>, as you asked.</p>"));
        await mail.DeliverAsync("imap7", Mail(null, "<p>Here is the invoice for the <i>broken kettle</i>, as you asked.</p>"));

        var result = await admin.PollAsync(mailbox.Id);
        Assert.Equal((4, 4, 0), (result.Fetched, result.Landed, result.Duplicates));
        Assert.Empty(await mail.InboxAsync("imap7"));

        // Each deleted mail is a message of its own, its original kept: the one with its own file, the one with its own HTML.
        var records = await RecordsFromAsync(customer);
        Assert.Equal(4, records.Select(r => r.MessageId).Distinct().Count());
        var agent = await App.AsFrontline();
        var originals = new List<MimeMessage>();
        foreach (var record in records)
        {
            var original = await agent.GetAsync($"/api/v1/cases/{record.CaseId}/messages/{record.MessageId}/email");
            Assert.Equal(HttpStatusCode.OK, original.StatusCode);
            originals.Add(await MimeMessage.LoadAsync(await original.Content.ReadAsStreamAsync()));
        }

        Assert.Equal(files.Order(), originals.SelectMany(o => o.Attachments.OfType<MimePart>().Select(a => a.FileName)).Order());
        Assert.Contains(originals, o => o.HtmlBody?.Contains("<b>broken kettle</b>", StringComparison.Ordinal) == true);
        Assert.Contains(originals, o => o.HtmlBody?.Contains("<i>broken kettle</i>", StringComparison.Ordinal) == true);

        // Fetched again, the same mail is recognised; another mail reusing a stored Message-ID is not dropped as one.
        var first = Mail(null, null);
        first.MessageId = $"{Guid.NewGuid():N}@example.com";
        await mail.DeliverAsync("imap7", first);
        Assert.Equal(1, (await admin.PollAsync(mailbox.Id)).Landed);
        var reused = Mail("other-order.pdf", null);
        reused.MessageId = first.MessageId;
        await mail.DeliverAsync("imap7", reused);
        var again = await admin.PollAsync(mailbox.Id);
        Assert.Equal((0, 0, 1), (again.Landed, again.Duplicates, again.SetAside));
        Assert.Empty(await mail.InboxAsync("imap7"));
        var aside = Assert.Single(await SetAsideAsync(admin, mailbox.Id));
        Assert.Equal(SetAsideReason.ReusedMessageId, aside.Reason);
        var kept = await MimeMessage.LoadAsync(await admin.GetStreamAsync($"/api/v1/mailboxes/{mailbox.Id}/set-aside/{aside.Id}/email"));
        Assert.Equal("other-order.pdf", Assert.Single(kept.Attachments.OfType<MimePart>()).FileName);
    }

    [Fact]
    public async Task A_nul_in_the_subject_or_the_text_lands_cleaned_instead_of_failing_at_every_check()
    {
        var (admin, mailbox) = await MailboxAsync("imap8");
        var customer = $"{Api.Unique("nul")}@example.it";
        await mail.DeliverAsync("imap8", Raw(
            $"From: Giulia Ferri <{customer}>\nTo: {mailbox.Address}\nSubject: =?utf-8?q?Rimborso=00_ordine_1042?=\nMessage-ID: <{Guid.NewGuid():N}@example.it>\n"
            + "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable",
            "Buongiorno,=00 vorrei il rimborso dell'ordine 1042 arrivato rotto.=0D=0AGrazie=1B\n"));

        var result = await admin.PollAsync(mailbox.Id);
        Assert.Equal((1, 0), (result.Landed, result.Failed));
        var record = Assert.Single(await RecordsFromAsync(customer));
        Assert.Equal("Rimborso ordine 1042", record.Subject);
        var message = Assert.Single(await MessagesAsync(record.CaseId!.Value));
        Assert.StartsWith("Buongiorno, vorrei il rimborso", message.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(message.Body, c => c is '\0' or '\u001b');
    }

    [Fact]
    public async Task Receipts_abuse_reports_mail_without_a_valid_sender_and_bounces_of_nothing_open_no_case_and_administrators_see_what_was_set_aside()
    {
        var (admin, mailbox) = await MailboxAsync("imap9");
        var customer = $"{Api.Unique("reader")}@example.es";
        var marker = Api.Unique("nosender");
        await mail.DeliverAsync("imap9", Raw(
            $"From: undisclosed-recipients:;\nTo: {mailbox.Address}\nSubject: Pedido {marker}\nMessage-ID: <{Guid.NewGuid():N}@example.es>\nContent-Type: text/plain; charset=utf-8",
            "Hola, quiero saber cuándo llega mi pedido, gracias de antemano.\n"));
        await mail.DeliverAsync("imap9", Raw(
            $"From: Mail Delivery System <MAILER-DAEMON@mx.example.com>\nReturn-Path: <>\nTo: {mailbox.Address}\nSubject: Undelivered Mail Returned to Sender\nMessage-ID: <{Guid.NewGuid():N}@mx.example.com>",
            $"This is the mail system at host mx.example.com.\n\n<someone@example.com>: mailbox full\n\nMessage-ID: <never-sent-{Guid.NewGuid():N}@acme.test>\n"));
        await mail.DeliverAsync("imap9", Raw(
            $"From: Lucia Gomez <{customer}>\nTo: {mailbox.Address}\nSubject: =?utf-8?q?Le=C3=ADdo=3A_Mi_pedido?=\nMessage-ID: <{Guid.NewGuid():N}@example.es>\nMIME-Version: 1.0\n"
            + "Content-Type: multipart/report; report-type=disposition-notification; boundary=\"mdn\"",
            "--mdn\nContent-Type: text/plain; charset=utf-8\n\nEste es un acuse de recibo del mensaje que envió.\n\n--mdn\nContent-Type: message/disposition-notification\n\n"
            + $"Final-Recipient: rfc822;{customer}\nDisposition: manual-action/MDN-sent-manually; displayed\n\n--mdn--\n"));
        await mail.DeliverAsync("imap9", await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "Email", "Corpus", "49-arf-abuse-report.eml")));

        var result = await admin.PollAsync(mailbox.Id);
        Assert.Equal((4, 0, 1, 3), (result.Fetched, result.Landed, result.Automatic, result.SetAside));
        Assert.Null(Assert.Single(await RecordsFromAsync(customer)).CaseId);

        // Listed for administrators with why, in their language; the original is there to download.
        admin.DefaultRequestHeaders.AcceptLanguage.ParseAdd("it");
        var listed = await SetAsideAsync(admin, mailbox.Id);
        Assert.Equal([SetAsideReason.NoSender, SetAsideReason.UnmatchedBounce, SetAsideReason.AbuseReport], listed.Select(s => s.Reason).Order());
        var orphan = listed.Single(s => s.Reason == SetAsideReason.NoSender);
        Assert.Equal("Nessun indirizzo del mittente valido", orphan.ReasonText);
        Assert.Equal($"Pedido {marker}", orphan.Subject);
        var original = await admin.GetAsync($"/api/v1/mailboxes/{mailbox.Id}/set-aside/{orphan.Id}/email");
        Assert.Equal("message/rfc822", original.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", original.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Contains(marker, await original.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var page = await admin.GetStringAsync("/admin/mailboxes");
        Assert.Contains($"Pedido {marker}", page, StringComparison.Ordinal);
        Assert.Contains("Apri come caso", page, StringComparison.Ordinal);

        // Opened as a case: the sender has to be named, since it had none; then the normal intake, once.
        var caseUrl = $"/api/v1/mailboxes/{mailbox.Id}/set-aside/{orphan.Id}/case";
        await (await admin.PostAsJsonAsync(caseUrl, new OpenSetAsideRequest(null), Api.Json)).AssertRefusedAsync("sender");
        await (await admin.PostAsJsonAsync(caseUrl, new OpenSetAsideRequest("not an address"), Api.Json)).AssertRefusedAsync("sender");
        var sender = $"{Api.Unique("real")}@example.es";
        var opened = await admin.PostAsJsonAsync(caseUrl, new OpenSetAsideRequest(sender), Api.Json);
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        var caseId = (await opened.Content.ReadFromJsonAsync<OpenedSetAside>(Api.Json))!.CaseId;
        var message = Assert.Single(await MessagesAsync(caseId));
        Assert.Equal(MessageKind.Customer, message.Kind);
        Assert.Contains("cuándo llega mi pedido", message.Body, StringComparison.Ordinal);
        Assert.Equal(caseId, (await SetAsideAsync(admin, mailbox.Id)).Single(s => s.Id == orphan.Id).CaseId);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync(caseUrl, new OpenSetAsideRequest(sender), Api.Json)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/mailboxes/{Guid.NewGuid()}/set-aside")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsJsonAsync($"/api/v1/mailboxes/{mailbox.Id}/set-aside/{Guid.NewGuid()}/case", new OpenSetAsideRequest(sender), Api.Json)).StatusCode);
    }

    [Fact]
    public async Task Mail_that_cannot_be_stored_is_tried_three_times_then_set_aside_with_the_error_and_can_be_opened_later()
    {
        var (admin, mailbox) = await MailboxAsync("imap10");
        var marker = "poison" + Guid.NewGuid().ToString("N")[..10];
        await App.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Database.ExecuteSqlRawAsync(App.Provider == "Postgres"
            ? $"CREATE FUNCTION refuse_{marker}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.\"Subject\" LIKE '%{marker}%' THEN RAISE EXCEPTION 'refused by the database: {marker}'; END IF; RETURN NEW; END $$; "
                + $"CREATE TRIGGER refuse_{marker} BEFORE INSERT ON email_messages FOR EACH ROW EXECUTE FUNCTION refuse_{marker}();"
            : $"CREATE TRIGGER refuse_{marker} BEFORE INSERT ON email_messages WHEN NEW.\"Subject\" LIKE '%{marker}%' BEGIN SELECT RAISE(ABORT, 'refused by the database: {marker}'); END;"));
        try
        {
            var customer = $"{Api.Unique("stuck")}@example.com";
            var message = new MimeMessage();
            message.From.Add(new MailboxAddress("Sam Lee", customer));
            message.To.Add(MailboxAddress.Parse(mailbox.Address));
            message.Subject = $"Order {marker}";
            message.Body = new TextPart("plain") { Text = "My order arrived without the charger, please send one." };
            await mail.DeliverAsync("imap10", message);

            for (var check = 1; check < 3; check++)
            {
                var failing = await admin.PollAsync(mailbox.Id);
                Assert.Equal((1, 0, 0), (failing.Failed, failing.Landed, failing.SetAside));
                Assert.False(Assert.Single(await mail.InboxAsync("imap10")).Seen);
                Assert.Empty(await SetAsideAsync(admin, mailbox.Id));
            }

            var third = await admin.PollAsync(mailbox.Id);
            Assert.Equal((0, 1), (third.Failed, third.SetAside));
            Assert.True(Assert.Single(await mail.InboxAsync("imap10")).Seen);
            var aside = Assert.Single(await SetAsideAsync(admin, mailbox.Id));
            Assert.Equal(SetAsideReason.CouldNotStore, aside.Reason);
            Assert.Equal("Could not be stored after several tries", aside.ReasonText);
            Assert.Contains($"refused by the database: {marker}", aside.Detail, StringComparison.Ordinal);
            Assert.Equal(customer, aside.FromAddress);
            Assert.Equal(0, (await admin.PollAsync(mailbox.Id)).Fetched);

            // Once the cause is gone, the administrator opens it: the customer's own address, nothing to type.
            await DropTriggerAsync(marker);
            var opened = await admin.PostAsJsonAsync($"/api/v1/mailboxes/{mailbox.Id}/set-aside/{aside.Id}/case", new OpenSetAsideRequest(null), Api.Json);
            Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
            var caseId = (await opened.Content.ReadFromJsonAsync<OpenedSetAside>(Api.Json))!.CaseId;
            Assert.Equal(caseId, Assert.Single(await RecordsFromAsync(customer)).CaseId);
            Assert.Contains("without the charger", Assert.Single(await MessagesAsync(caseId)).Body, StringComparison.Ordinal);
        }
        finally
        {
            await DropTriggerAsync(marker);
        }
    }

    private Task<int> DropTriggerAsync(string marker) =>
        App.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Database.ExecuteSqlRawAsync(App.Provider == "Postgres"
            ? $"DROP TRIGGER IF EXISTS refuse_{marker} ON email_messages; DROP FUNCTION IF EXISTS refuse_{marker}();"
            : $"DROP TRIGGER IF EXISTS refuse_{marker};"));
}

[Collection(SqliteCollection.Name)]
[Trait("Suite", "Sqlite")]
public sealed class SetAsideMailTestsOnSqlite(SqliteAppFixture fixture, MailServers mail) : SetAsideMailTests(fixture.App, mail), IClassFixture<MailServers>;

[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class SetAsideMailTestsOnPostgres(PostgresAppFixture fixture, MailServers mail) : SetAsideMailTests(fixture.App, mail), IClassFixture<MailServers>;
