using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MimeKit;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Domain;
using Ribalta.Channels.Email;
using Ribalta.Platform.Data;
using Ribalta.Tests.Infrastructure;
using Xunit;

namespace Ribalta.Tests.Integration.Channels;

/// <summary>
/// The outbox's promises, against the SMTP sink refusing chosen recipients: a refusal for now is retried on the
/// documented schedule, to the minute, until <c>Email:GiveUpAfter</c>, and then the case says so; a permanent refusal
/// is not retried; two dispatchers never send one mail twice.
/// </summary>
public abstract class EmailOutboxTests(RibaltaApp app, MailServers mail)
{
    protected RibaltaApp App { get; } = app;

    /// <summary>The waits between tries, as docs/email.md promises them: 1, 2, 5, 10, 20, 30 minutes, then hourly.</summary>
    private static TimeSpan WaitAfter(int attempt) => TimeSpan.FromMinutes(attempt switch { 1 => 1, 2 => 2, 3 => 5, 4 => 10, 5 => 20, 6 => 30, _ => 60 });

    private async Task<MailboxDto> MailboxAsync(string user, bool enabled = true, int? smtpPort = null, string? smtpUser = null, string? smtpPassword = null)
    {
        var admin = await App.AsAdmin();
        return await admin.CreateMailboxAsync(Settings(user, $"{Api.Unique("outbox")}@acme.test", enabled, smtpPort, smtpUser, smtpPassword));
    }

    /// <summary>A mailbox reading <paramref name="user"/>'s inbox on Dovecot and sending through the sink, or the given SMTP port.</summary>
    private MailboxInput Settings(string user, string address, bool enabled = true, int? smtpPort = null, string? smtpUser = null, string? smtpPassword = null) =>
        new("Outbox " + user, address, "Acme Support", enabled, MailProtocol.Imap, "127.0.0.1", mail.ImapPort, MailSecurity.None, user, MailServers.Password, null,
            AfterImport.MarkSeen, 3600, "127.0.0.1", smtpPort ?? mail.SmtpPort, MailSecurity.None, smtpUser, smtpPassword);

    /// <summary>
    /// Puts mail straight into the outbox, one row at a time, so the ids (the order in which a round takes a mailbox's
    /// mail) follow the list.
    /// </summary>
    private Task QueueAsync(Guid mailbox, DateTimeOffset due, params (string Id, string To)[] mails) =>
        App.WithServices(async sp =>
        {
            var db = sp.GetRequiredService<RibaltaDbContext>();
            foreach (var (id, to) in mails)
            {
                db.Add(new OutboundEmail
                {
                    MailboxId = mailbox,
                    Kind = OutboundKind.Reply,
                    ToAddress = to,
                    Subject = "Your order",
                    TextBody = "Your order left our warehouse this morning.",
                    HeaderMessageId = id,
                    CreatedAt = App.Clock.GetUtcNow(),
                    NextAttemptAt = due,
                });
                await db.SaveChangesAsync();
            }

            return mails.Length;
        });

    /// <summary>Wakes the app's own dispatcher, which then runs a round now instead of at its next tick.</summary>
    private void WakeDispatcher() => App.Services.GetRequiredService<EmailSignal>().Wake();

    /// <summary>A customer's mail landed on a case of its own, and the agent's reply to it in the outbox.</summary>
    private async Task<long> ReplyToAsync(string user, string customer)
    {
        var mailbox = await MailboxAsync(user);
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Sam Lee", customer));
        message.To.Add(MailboxAddress.Parse(mailbox.Address));
        message.Subject = "Refund please";
        message.MessageId = $"{Guid.NewGuid():N}@example.com";
        message.Body = new TextPart("plain") { Text = "Hello, I returned the parcel last week and would like my refund." };
        await mail.DeliverAsync(user, message);
        var admin = await App.AsAdmin();
        await admin.PollAsync(mailbox.Id);
        var caseId = await App.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Set<EmailRecord>().AsNoTracking()
            .Where(e => e.Key == $"<{message.MessageId}>").Select(e => e.CaseId!.Value).SingleAsync());
        var agent = await App.AsFrontline();
        var reply = await agent.PostAsJsonAsync($"/api/v1/cases/{caseId}/replies", new { body = "Your refund is on its way." }, Api.Json);
        Assert.Equal(HttpStatusCode.Created, reply.StatusCode);
        return caseId;
    }

    private Task<OutboundEmail> OutboundAsync(long caseId) =>
        App.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Set<OutboundEmail>().AsNoTracking().SingleAsync(o => o.CaseId == caseId));

    /// <summary>Waits (in real time, the clock standing still) for the dispatcher to have tried this many times.</summary>
    private async Task<OutboundEmail> AttemptedAsync(long caseId, int attempts)
    {
        for (var i = 0; i < 300; i++)
        {
            var outbound = await OutboundAsync(caseId);
            if (outbound.Attempts >= attempts)
            {
                Assert.Equal(attempts, outbound.Attempts);
                return outbound;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"The outbox did not reach {attempts} attempts");
    }

    private Task<OutboundEmail> OutboundAsync(string headerMessageId) =>
        App.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Set<OutboundEmail>().AsNoTracking().SingleAsync(o => o.HeaderMessageId == headerMessageId));

    /// <summary>Waits (in real time, the clock standing still) for the dispatcher to have tried this mail this many times.</summary>
    private async Task<OutboundEmail> AttemptedAsync(string headerMessageId, int attempts)
    {
        for (var i = 0; i < 300; i++)
        {
            var outbound = await OutboundAsync(headerMessageId);
            if (outbound.Attempts >= attempts)
            {
                Assert.Equal(attempts, outbound.Attempts);
                return outbound;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Mail {headerMessageId} did not reach {attempts} attempts. The app reported:\n{string.Join('\n', App.Logs.From("").TakeLast(20))}");
    }

    /// <summary>The one system entry on the case, once written (it follows the outbox row's update).</summary>
    private async Task<string> SystemEntryAsync(long caseId)
    {
        for (var i = 0; i < 300; i++)
        {
            var entries = await App.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Set<Message>().AsNoTracking()
                .Where(m => m.CaseId == caseId && m.Kind == MessageKind.System).Select(m => m.Body).ToListAsync());
            if (entries.Count > 0)
            {
                return Assert.Single(entries);
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("No system entry on the case");
    }

    /// <summary>The fake clock on a whole second, so times survive both databases' precision unchanged.</summary>
    private void AlignClock()
    {
        var now = App.Clock.GetUtcNow();
        App.Clock.Advance(TimeSpan.FromTicks(TimeSpan.TicksPerSecond - (now.UtcTicks % TimeSpan.TicksPerSecond)));
    }

    [Fact]
    public async Task A_refusal_for_now_is_retried_on_the_schedule_to_the_minute_until_the_limit_and_then_the_case_says_so()
    {
        AlignClock();
        var customer = $"{MailServers.DeferredPrefix}{Api.Unique("sam")}@example.com";
        var caseId = await ReplyToAsync("imap11", customer);
        var dispatcher = App.Services.GetRequiredService<EmailDispatcher>();
        var created = (await AttemptedAsync(caseId, 1)).CreatedAt;
        var triedAt = created;
        var attempt = 1;
        while (true)
        {
            var outbound = await AttemptedAsync(caseId, attempt);
            Assert.Contains("try again later", outbound.LastError, StringComparison.Ordinal);
            if (triedAt - created >= TimeSpan.FromHours(48))
            {
                Assert.Equal(OutboundStatus.Failed, outbound.Status);
                break;
            }

            Assert.Equal(OutboundStatus.Pending, outbound.Status);
            Assert.Equal(triedAt + WaitAfter(attempt), outbound.NextAttemptAt);

            // A millisecond before it is due nothing is tried; when it is due, it is.
            App.Clock.Advance(outbound.NextAttemptAt - App.Clock.GetUtcNow() - TimeSpan.FromMilliseconds(1));
            await dispatcher.SendDueAsync(default);
            Assert.Equal(attempt, (await OutboundAsync(caseId)).Attempts);
            App.Clock.Advance(TimeSpan.FromMilliseconds(1));
            triedAt = App.Clock.GetUtcNow();
            attempt++;
            await dispatcher.SendDueAsync(default);
        }

        // 1+2+5+10+20+30 minutes, then hourly: the 54th try, 48 h 8 min after the first, is the first past 48 hours.
        Assert.Equal(54, attempt);
        Assert.Equal(TimeSpan.FromMinutes(2888), triedAt - created);
        Assert.Contains("Email.DeliveryFailed", await SystemEntryAsync(caseId), StringComparison.Ordinal);
        Assert.DoesNotContain(mail.Sent(), m => m.To.Mailboxes.Any(a => a.Address == customer));

        App.Clock.Advance(TimeSpan.FromHours(2));
        await dispatcher.SendDueAsync(default);
        Assert.Equal(54, (await OutboundAsync(caseId)).Attempts);
    }

    [Fact]
    public async Task A_permanent_refusal_is_not_retried_and_the_case_says_so()
    {
        var customer = $"{MailServers.RefusedPrefix}{Api.Unique("ghost")}@example.com";
        var caseId = await ReplyToAsync("imap12", customer);
        var outbound = await AttemptedAsync(caseId, 1);
        Assert.Equal(OutboundStatus.Failed, outbound.Status);
        Assert.StartsWith("550", outbound.LastError, StringComparison.Ordinal);
        Assert.Contains("Email.DeliveryFailed", await SystemEntryAsync(caseId), StringComparison.Ordinal);

        App.Clock.Advance(TimeSpan.FromHours(3));
        await App.Services.GetRequiredService<EmailDispatcher>().SendDueAsync(default);
        Assert.Equal(1, (await OutboundAsync(caseId)).Attempts);
    }

    [Fact]
    public async Task Mail_of_a_mailbox_turned_off_or_whose_server_cannot_be_reached_is_retried_a_minute_later_with_the_reason()
    {
        AlignClock();
        var off = await MailboxAsync("imap11", enabled: false);
        var unreachable = await MailboxAsync("imap11", smtpPort: PostgresServer.FreePort());
        var now = App.Clock.GetUtcNow();
        var ids = new[] { (off.Id, "off"), (unreachable.Id, "down1"), (unreachable.Id, "down2") }
            .Select(m => (Mailbox: m.Item1, Id: $"{m.Item2}.{Guid.NewGuid():N}@acme.test")).ToList();
        foreach (var (mailbox, id) in ids)
        {
            await QueueAsync(mailbox, now, (id, $"{Api.Unique("waiting")}@example.com"));
        }

        // Whichever dispatcher round takes them (this one or the app's own), each is tried once, the clock standing still.
        await App.Services.GetRequiredService<EmailDispatcher>().SendDueAsync(default);
        var tried = new List<OutboundEmail>();
        foreach (var (_, id) in ids)
        {
            tried.Add(await AttemptedAsync(id, 1));
        }

        Assert.All(tried, o => Assert.Equal((OutboundStatus.Pending, 1, now + WaitAfter(1)), (o.Status, o.Attempts, o.NextAttemptAt)));
        Assert.Equal("The mailbox is turned off or has no SMTP server", tried[0].LastError);
        Assert.All(tried.Skip(1), o => Assert.False(string.IsNullOrEmpty(o.LastError)));
        Assert.DoesNotContain(mail.Sent(), m => ids.Any(i => i.Id == m.MessageId));
    }

    [Fact]
    public async Task Mail_whose_SMTP_password_is_refused_is_retried_a_minute_later_with_the_reason_and_goes_once_the_password_is_put_right()
    {
        AlignClock();
        await using var server = new ScriptedSmtpServer("desk", "right-secret");
        var mailbox = await MailboxAsync("imap11", smtpPort: server.Port, smtpUser: "desk", smtpPassword: "wrong-secret");
        var id = $"auth.{Guid.NewGuid():N}@acme.test";
        var now = App.Clock.GetUtcNow();
        await QueueAsync(mailbox.Id, now, (id, $"{Api.Unique("waiting")}@example.com"));
        WakeDispatcher();

        var refused = await AttemptedAsync(id, 1);
        Assert.Equal((OutboundStatus.Pending, now + WaitAfter(1)), (refused.Status, refused.NextAttemptAt));
        Assert.Equal("Authentication failed: 535: 5.7.8 Authentication credentials invalid", refused.LastError);
        Assert.Equal([("desk", "wrong-secret")], server.SignIns);
        Assert.Empty(server.Received);

        // The administrator types the right password; at the next try the mail goes, signed in with it.
        var admin = await App.AsAdmin();
        var edited = await admin.PutAsJsonAsync($"/api/v1/mailboxes/{mailbox.Id}", Settings("imap11", mailbox.Address, smtpPort: server.Port, smtpUser: "desk", smtpPassword: "right-secret"), Api.Json);
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        App.Clock.Advance(WaitAfter(1));
        WakeDispatcher();
        var sent = await AttemptedAsync(id, 2);
        Assert.Equal(OutboundStatus.Sent, sent.Status);
        Assert.Null(sent.LastError);
        Assert.Equal([("desk", "wrong-secret"), ("desk", "right-secret")], server.SignIns);
        Assert.Equal(id, Assert.Single(server.Received).MessageId);
    }

    [Fact]
    public async Task A_connection_lost_in_the_middle_of_a_round_leaves_the_rest_for_the_next_try_and_sends_nothing_twice()
    {
        AlignClock();
        await using var server = new ScriptedSmtpServer("desk", "right-secret");
        var mailbox = await MailboxAsync("imap11", smtpPort: server.Port, smtpUser: "desk", smtpPassword: "right-secret");
        // In the round's order: one refused for now (451; the connection stays up), one accepted (then the server hangs
        // up), one that finds the connection gone, and one the round leaves for later.
        string Id(string role) => $"{role}.{Guid.NewGuid():N}@acme.test";
        var (deferred, accepted, broken, left) = (Id("deferred"), Id("accepted"), Id("broken"), Id("left"));
        await QueueAsync(mailbox.Id, App.Clock.GetUtcNow() + TimeSpan.FromHours(1),
            (deferred, $"{MailServers.DeferredPrefix}{Api.Unique("sam")}@example.com"),
            (accepted, $"{Api.Unique("ana")}@example.com"),
            (broken, $"{Api.Unique("bo")}@example.com"),
            (left, $"{Api.Unique("cy")}@example.com"));
        server.HangUpAfterNextMessage();

        // Only the app's own dispatcher takes them, so the round's order is the ids' order (one round takes up to 50
        // due mails; other tests leave a few pending, far from that).
        App.Clock.Advance(TimeSpan.FromHours(1));
        var triedAt = App.Clock.GetUtcNow();
        WakeDispatcher();
        var first = new Dictionary<string, OutboundEmail>();
        foreach (var id in new[] { deferred, accepted, broken, left })
        {
            first[id] = await AttemptedAsync(id, 1);
        }

        Assert.Equal(OutboundStatus.Sent, first[accepted].Status);
        Assert.All(new[] { deferred, broken, left }, id => Assert.Equal((OutboundStatus.Pending, triedAt + WaitAfter(1)), (first[id].Status, first[id].NextAttemptAt)));
        Assert.Contains("try again later", first[deferred].LastError, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(first[broken].LastError));
        Assert.NotEqual("The connection to the SMTP server was lost", first[broken].LastError);
        Assert.Equal("The connection to the SMTP server was lost", first[left].LastError);
        Assert.Equal([accepted], server.Received.Select(m => m.MessageId));
        Assert.Equal(1, server.Connections);

        // A minute later, on a server that stays up, the two left go, once each; the one already sent does not go again.
        App.Clock.Advance(WaitAfter(1));
        WakeDispatcher();
        Assert.Equal(OutboundStatus.Pending, (await AttemptedAsync(deferred, 2)).Status);
        Assert.Equal(OutboundStatus.Sent, (await AttemptedAsync(broken, 2)).Status);
        Assert.Equal(OutboundStatus.Sent, (await AttemptedAsync(left, 2)).Status);
        Assert.Equal(1, (await OutboundAsync(accepted)).Attempts);
        Assert.Equal([accepted, broken, left], server.Received.Select(m => m.MessageId));
    }

    [Fact]
    public async Task A_round_that_throws_does_not_stop_the_dispatcher_and_the_next_round_sends_what_is_due()
    {
        var mailbox = await MailboxAsync("imap11");
        var marker = Api.Unique("poison");
        var poisoned = $"{marker}.{Guid.NewGuid():N}@acme.test";
        var next = $"next.{Guid.NewGuid():N}@acme.test";
        await QueueAsync(mailbox.Id, App.Clock.GetUtcNow() + TimeSpan.FromHours(1),
            (poisoned, $"{Api.Unique("dee")}@example.com"), (next, $"{Api.Unique("eve")}@example.com"));
        var stopping = App.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        bool Reported() => App.Logs.From(marker).Any(e => e.Contains("The email dispatcher's round failed", StringComparison.Ordinal));
        await RefuseOutboxUpdatesAsync(marker);
        try
        {
            App.Clock.Advance(TimeSpan.FromHours(1));
            WakeDispatcher();
            // The round claims the poisoned mail first (its id is lower); the database refuses and the round throws.
            for (var i = 0; i < 300 && !Reported() && !stopping.IsCancellationRequested; i++)
            {
                await Task.Delay(50);
            }

            Assert.False(stopping.IsCancellationRequested, "The round's failure escaped the dispatcher and stopped the application");
            Assert.True(Reported(), "No round reported the database's refusal");
            Assert.Equal((0, 0), ((await OutboundAsync(poisoned)).Attempts, (await OutboundAsync(next)).Attempts));
        }
        finally
        {
            if (!stopping.IsCancellationRequested)
            {
                await AllowOutboxUpdatesAsync(marker);
            }
        }

        // The dispatcher is still there: woken, it sends both, once each.
        WakeDispatcher();
        Assert.Equal(OutboundStatus.Sent, (await AttemptedAsync(poisoned, 1)).Status);
        Assert.Equal(OutboundStatus.Sent, (await AttemptedAsync(next, 1)).Status);
        Assert.Single(mail.Sent(), m => m.MessageId == poisoned);
        Assert.Single(mail.Sent(), m => m.MessageId == next);
    }

    /// <summary>The database refuses any change to an outbox row whose Message-ID holds the marker, so claiming it throws.</summary>
    private Task<int> RefuseOutboxUpdatesAsync(string marker) =>
        App.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Database.ExecuteSqlRawAsync(App.Provider == "Postgres"
            ? $"CREATE FUNCTION refuse_{marker}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.\"HeaderMessageId\" LIKE '%{marker}%' THEN RAISE EXCEPTION 'refused by the database: {marker}'; END IF; RETURN NEW; END $$; "
                + $"CREATE TRIGGER refuse_{marker} BEFORE UPDATE ON email_outbox FOR EACH ROW EXECUTE FUNCTION refuse_{marker}();"
            : $"CREATE TRIGGER refuse_{marker} BEFORE UPDATE ON email_outbox WHEN NEW.\"HeaderMessageId\" LIKE '%{marker}%' BEGIN SELECT RAISE(ABORT, 'refused by the database: {marker}'); END;"));

    private Task<int> AllowOutboxUpdatesAsync(string marker) =>
        App.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Database.ExecuteSqlRawAsync(App.Provider == "Postgres"
            ? $"DROP TRIGGER IF EXISTS refuse_{marker} ON email_outbox; DROP FUNCTION IF EXISTS refuse_{marker}();"
            : $"DROP TRIGGER IF EXISTS refuse_{marker};"));

    [Fact]
    public async Task Two_dispatchers_at_once_send_every_mail_exactly_once()
    {
        var mailbox = await MailboxAsync("imap11");
        var now = App.Clock.GetUtcNow();
        var ids = Enumerable.Range(0, 12).Select(_ => $"{Guid.NewGuid():N}@acme.test").ToList();
        await QueueAsync(mailbox.Id, now + TimeSpan.FromHours(1), ids.Select(id => (id, $"{Api.Unique("twice")}@example.com")).ToArray());

        App.Clock.Advance(TimeSpan.FromHours(1));
        var other = ActivatorUtilities.CreateInstance<EmailDispatcher>(App.Services);
        var first = App.Services.GetRequiredService<EmailDispatcher>();
        using var start = new ManualResetEventSlim();
        var rounds = new[] { first, other }.Select(d => Task.Run(async () =>
        {
            start.Wait();
            return await d.SendDueAsync(default);
        })).ToList();
        start.Set();
        await Task.WhenAll(rounds);

        for (var i = 0; i < 300 && !await App.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Set<OutboundEmail>()
            .Where(o => ids.Contains(o.HeaderMessageId)).AllAsync(o => o.Status == OutboundStatus.Sent)); i++)
        {
            await Task.Delay(50);
        }

        var sent = mail.Sent().Select(m => m.MessageId ?? "").Where(ids.Contains).GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(ids.Order(), sent.Keys.Order());
        Assert.All(sent.Values, count => Assert.Equal(1, count));
    }
}

[Collection(SqliteCollection.Name)]
[Trait("Suite", "Sqlite")]
public sealed class EmailOutboxTestsOnSqlite(SqliteAppFixture fixture, MailServers mail) : EmailOutboxTests(fixture.App, mail), IClassFixture<MailServers>;

[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class EmailOutboxTestsOnPostgres(PostgresAppFixture fixture, MailServers mail) : EmailOutboxTests(fixture.App, mail), IClassFixture<MailServers>;
