using MailKit.Net.Smtp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using Ribalta.Cases.Contracts;
using Ribalta.Platform.Data;
using Ribalta.Platform.Events;
using Ribalta.Platform.Storage;

namespace Ribalta.Channels.Email;

/// <summary>
/// Sends the outbox over SMTP. Each mail is claimed with a lease (so two instances never send it at once), sent, then
/// marked sent. A server that is down or refuses for now means a retry with growing waits, up to a day or two; a
/// permanent refusal (5xx) or giving up is recorded on the case. The Message-ID is fixed when the mail is written, so
/// the one resend a crash between "sent" and "marked" can cause is recognised by the customer's mail program.
/// </summary>
internal sealed partial class EmailDispatcher(IServiceScopeFactory scopes, EmailSignal signal, IOptions<EmailOptions> options, TimeProvider clock, ILogger<EmailDispatcher> logger) : BackgroundService
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(5);

    public static TimeSpan Backoff(int attempts) => attempts switch
    {
        <= 1 => TimeSpan.FromMinutes(1),
        2 => TimeSpan.FromMinutes(2),
        3 => TimeSpan.FromMinutes(5),
        4 => TimeSpan.FromMinutes(10),
        5 => TimeSpan.FromMinutes(20),
        6 => TimeSpan.FromMinutes(30),
        _ => TimeSpan.FromHours(1),
    };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await SendDueAsync(stoppingToken) > 0)
                {
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRoundFailed(ex);
            }

            try
            {
                // Woken by new mail, or after a while for retries.
                await signal.WaitAsync(Tick, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>One round: the mail that is due, mailbox by mailbox, one connection each. Returns how many were tried.</summary>
    public async Task<int> SendDueAsync(CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RibaltaDbContext>();
        var now = clock.GetUtcNow();
        var due = await db.Set<OutboundEmail>().Where(o => o.Status == OutboundStatus.Pending && o.NextAttemptAt <= now).OrderBy(o => o.Id).Take(50).ToListAsync(ct);
        var tried = 0;
        foreach (var group in due.GroupBy(o => o.MailboxId))
        {
            tried += group.Count();
            var mailbox = await db.Set<Mailbox>().AsNoTracking().FirstOrDefaultAsync(m => m.Id == group.Key, ct);
            await SendAsync(scope.ServiceProvider, db, mailbox, group.ToList(), ct);
        }

        return tried;
    }

    /// <summary>
    /// The lease, taken right before the mail is sent: of two senders, only the one whose update matches the row it
    /// read gets it, and the lease runs from now, not from the start of a long round.
    /// </summary>
    private async Task<bool> ClaimAsync(RibaltaDbContext db, OutboundEmail mail, CancellationToken ct)
    {
        var until = clock.GetUtcNow() + Lease;
        var was = mail.NextAttemptAt;
        if (await db.Set<OutboundEmail>().Where(o => o.Id == mail.Id && o.Status == OutboundStatus.Pending && o.NextAttemptAt == was)
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.NextAttemptAt, until), ct) != 1)
        {
            return false;
        }

        mail.NextAttemptAt = until;
        db.Entry(mail).Property(o => o.NextAttemptAt).IsModified = false;
        return true;
    }

    private async Task SendAsync(IServiceProvider services, RibaltaDbContext db, Mailbox? mailbox, List<OutboundEmail> mails, CancellationToken ct)
    {
        if (mailbox is null || !mailbox.Enabled || !mailbox.CanSend)
        {
            foreach (var mail in mails.ToList())
            {
                if (!await ClaimAsync(db, mail, ct))
                {
                    continue;
                }

                await FailedAttemptAsync(db, mail, "The mailbox is turned off or has no SMTP server", permanent: false, ct);
            }

            return;
        }

        using var client = new SmtpClient { Timeout = 30_000 };
        try
        {
            await client.ConnectGuardedAsync(services.GetRequiredService<Platform.Net.OutboundAddressGuard>(), mailbox.SmtpHost!, mailbox.SmtpPort, MailboxPoller.Socket(mailbox.SmtpSecurity), ct);
            if (!string.IsNullOrEmpty(mailbox.SmtpUser))
            {
                var password = services.GetRequiredService<MailboxService>().Reveal(mailbox.ProtectedSmtpPassword) ?? "";
                await client.AuthenticateAsync(mailbox.SmtpUser, password, ct);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogConnectFailed(mailbox.Address, MailboxPoller.Describe(ex));
            foreach (var mail in mails)
            {
                if (!await ClaimAsync(db, mail, ct))
                {
                    continue;
                }

                await FailedAttemptAsync(db, mail, MailboxPoller.Describe(ex), permanent: false, ct);
            }

            return;
        }

        foreach (var mail in mails)
        {
            if (!await ClaimAsync(db, mail, ct))
            {
                continue;
            }

            try
            {
                var message = await BuildAsync(services, db, mailbox, mail, ct);
                await client.SendAsync(message, ct);
            }
            catch (SmtpCommandException ex) when (ex is { StatusCode: >= (SmtpStatusCode)500 })
            {
                await FailedAttemptAsync(db, mail, $"{(int)ex.StatusCode} {ex.Message}", permanent: true, ct);
                continue;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await FailedAttemptAsync(db, mail, MailboxPoller.Describe(ex), permanent: false, ct);
                if (!client.IsConnected)
                {
                    foreach (var rest in mails.SkipWhile(m => m != mail).Skip(1))
                    {
                        if (!await ClaimAsync(db, rest, ct))
                        {
                            continue;
                        }

                        await FailedAttemptAsync(db, rest, "The connection to the SMTP server was lost", permanent: false, ct);
                    }

                    return;
                }

                continue;
            }

            mail.Status = OutboundStatus.Sent;
            mail.Attempts++;
            mail.SentAt = clock.GetUtcNow();
            mail.LastError = null;
            Forget(mail);
            await db.SaveChangesAsync(CancellationToken.None);
        }

        await client.DisconnectAsync(quit: true, ct);
    }

    private async Task FailedAttemptAsync(RibaltaDbContext db, OutboundEmail mail, string reason, bool permanent, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        mail.Attempts++;
        mail.LastError = reason.Length <= 500 ? reason : reason[..500];
        // A sign-in link is worth sending only while it works.
        var giveUpAfter = mail.Kind == OutboundKind.SignInLink ? SignInLinkLifetime : options.Value.GiveUpAfter;
        var givingUp = permanent || now - mail.CreatedAt >= giveUpAfter;
        if (givingUp)
        {
            mail.Status = OutboundStatus.Failed;
            Forget(mail);
        }
        else
        {
            mail.NextAttemptAt = now + Backoff(mail.Attempts);
        }

        await db.SaveChangesAsync(CancellationToken.None);
        LogAttemptFailed(mail.Id, mail.Attempts, reason);
        if (givingUp && mail.CaseId is { } caseId)
        {
            // Its own scope: a retry inside the conversation must not detach the other mails of this round.
            using var scope = scopes.CreateScope();
            var conversation = scope.ServiceProvider.GetRequiredService<ICaseConversation>();
            await conversation.SystemEntryAsync(new Actor(ActorKind.System, "mailbox:" + mail.MailboxId, "Email"), caseId, new SystemEntry("Email.DeliveryFailed", [mail.ToAddress, mail.LastError]), ct);
        }
    }

    /// <summary>How long a portal sign-in link works (the portal's own setting; a link mailed later is useless).</summary>
    public static readonly TimeSpan SignInLinkLifetime = TimeSpan.FromMinutes(30);

    /// <summary>A sign-in link's secret does not stay in the outbox once it has gone (or will never go).</summary>
    private static void Forget(OutboundEmail mail)
    {
        if (mail.Kind == OutboundKind.SignInLink)
        {
            mail.TextBody = "";
        }
    }

    /// <summary>The MIME message: text and HTML, threading headers, our loop marker, and the reply's files.</summary>
    public static async Task<MimeMessage> BuildAsync(IServiceProvider services, RibaltaDbContext db, Mailbox mailbox, OutboundEmail mail, CancellationToken ct)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(mailbox.SenderName, mailbox.Address));
        message.To.Add(new MailboxAddress(mail.ToName ?? "", mail.ToAddress));
        message.Subject = mail.Subject;
        message.MessageId = mail.HeaderMessageId;
        message.Date = mail.CreatedAt;
        if (!string.IsNullOrEmpty(mail.InReplyTo))
        {
            message.InReplyTo = mail.InReplyTo;
        }

        foreach (var reference in (mail.References ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            message.References.Add(reference);
        }

        message.Headers.Add(EmailParser.LoopHeader, mailbox.Id.ToString());
        if (mail.Kind != OutboundKind.Reply)
        {
            message.Headers.Add(HeaderId.AutoSubmitted, "auto-generated");
        }

        var body = new BodyBuilder { TextBody = mail.TextBody, HtmlBody = EmailOutbox.Html(mail.TextBody, mail.Language) };
        if (mail.MessageId is { } messageId)
        {
            var blobs = services.GetRequiredService<IBlobStore>();
            var files = await services.GetRequiredService<ICaseFiles>().OfMessageAsync(messageId, ct);
            foreach (var file in files)
            {
                await using var stream = blobs.OpenRead(file.Sha256);
                if (stream is null)
                {
                    continue;
                }

                using var copy = new MemoryStream();
                await stream.CopyToAsync(copy, ct);
                body.Attachments.Add(file.FileName, copy.ToArray(), ContentType.Parse(file.ContentType));
            }
        }

        message.Body = body.ToMessageBody();
        return message;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mail {Id} not sent (attempt {Attempts}): {Reason}")]
    private partial void LogAttemptFailed(long id, int attempts, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot reach the SMTP server of {Address}: {Reason}")]
    private partial void LogConnectFailed(string address, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The email dispatcher's round failed")]
    private partial void LogRoundFailed(Exception ex);
}
