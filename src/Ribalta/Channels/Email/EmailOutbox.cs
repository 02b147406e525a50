using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Ribalta.Cases.Contracts;
using Ribalta.Customers.Contracts;
using Microsoft.Extensions.Localization;
using Ribalta.Platform.Data;
using Ribalta.Platform.Localization;

namespace Ribalta.Channels.Email;

/// <summary>Wakes the email dispatcher when mail is committed, so it need not wait for its next round.</summary>
internal sealed class EmailSignal : Platform.Events.WakeSignal;

/// <summary>Delivery of the mail written for one message, as staff see it on the case.</summary>
public sealed record EmailDeliveryDto(long MessageId, string ToAddress, OutboundStatus Status, int Attempts, DateTimeOffset? SentAt, string? LastError);

/// <summary>
/// Puts mail in the outbox within the caller's unit of work, so it is committed with what it tells or not at all:
/// a staff reply on a case that came (or continued) by email goes back to the customer, threaded on their mail; so does
/// one on a chat whose visitor has gone and left an address.
/// </summary>
internal sealed partial class EmailOutbox(
    RibaltaDbContext db,
    ICustomerDirectory customers,
    EmailSignal signal,
    Platform.Mail.PublicSite site,
    IStringLocalizer<Strings> localizer,
    TimeProvider clock) : Platform.Mail.IOutboundMail, IReplyChannel
{
    private bool _staged;

    /// <summary>Tells the dispatcher, once the caller has committed what was staged.</summary>
    public void Committed()
    {
        if (_staged)
        {
            _staged = false;
            signal.Wake();
        }
    }

    public bool Carries(Channel channel) => channel != Channel.Chat;

    Task IReplyChannel.StageAsync(OutgoingReply reply, CancellationToken ct) => StageReplyAsync(reply, null, null, ct);

    /// <summary>
    /// Stages the email of a staff reply, when the case is an email conversation (or a portal or phone case: the
    /// customer's address) and a mailbox can send. A chat's reply comes here with the address the visitor left.
    /// </summary>
    public async Task StageReplyAsync(OutgoingReply reply, string? visitorAddress, Guid? visitorMailbox, CancellationToken ct)
    {
        var thread = await db.Set<EmailRecord>().AsNoTracking()
            .Where(e => e.CaseId == reply.CaseId && e.HeaderMessageId != null && (e.Disposition == EmailDisposition.Landed || e.Disposition == EmailDisposition.Sent))
            .OrderByDescending(e => e.Id).Take(20).ToListAsync(ct);
        var lastInbound = thread.FirstOrDefault(e => e.Direction == EmailDirection.Inbound);
        var to = lastInbound?.Address ?? visitorAddress;
        var preferred = lastInbound?.MailboxId ?? visitorMailbox;
        if (reply.Channel == Channel.Chat)
        {
            if (to is null)
            {
                return;
            }
        }
        else if (thread.Count == 0 && reply.Channel is not (Channel.Email or Channel.Portal or Channel.Phone))
        {
            // Social and API cases are answered where they came from (the listening tool, the integration).
            return;
        }

        var mailbox = await SenderAsync(preferred, ct);
        to ??= await PrimaryEmailAsync(reply.CustomerId, ct);
        if (mailbox is null || string.IsNullOrEmpty(to))
        {
            return;
        }

        var customer = await customers.FindAsync(reply.CustomerId, ct);
        var language = reply.Language ?? customer?.PreferredLanguage;
        var id = NewMessageId(mailbox, reply.CaseId);
        var signature = mailbox.SignatureFor(language);
        var body = signature.Length > 0 ? $"{reply.Body}\n\n-- \n{signature}" : reply.Body;
        if (reply.Channel is Channel.Portal or Channel.Phone)
        {
            // The customer also has the portal: say where the whole conversation is (they can answer by mail too).
            var footer = Platform.Mail.PublicSite.InLanguage(language, () => localizer["CaseMail.PortalFooter", site.Link($"portal/cases/{reply.CaseId}")].Value);
            body = $"{body}\n\n{footer}";
        }
        var outbound = new OutboundEmail
        {
            MailboxId = mailbox.Id,
            Kind = OutboundKind.Reply,
            CaseId = reply.CaseId,
            MessageId = reply.MessageId,
            ToAddress = to,
            ToName = customer?.DisplayName,
            Subject = ReplySubject(reply.CaseSubject, reply.CaseId),
            TextBody = body,
            Language = language,
            HeaderMessageId = id,
            InReplyTo = thread.FirstOrDefault()?.HeaderMessageId,
            References = References(thread.Select(e => e.HeaderMessageId!).Reverse().ToList()),
            Status = OutboundStatus.Pending,
            NextAttemptAt = clock.GetUtcNow(),
            CreatedAt = clock.GetUtcNow(),
        };
        db.Add(outbound);
        _staged = true;
        db.Add(new EmailRecord
        {
            Key = $"<{id}>",
            Direction = EmailDirection.Outbound,
            Disposition = EmailDisposition.Sent,
            MailboxId = mailbox.Id,
            HeaderMessageId = id,
            CaseId = reply.CaseId,
            Address = to,
            Subject = outbound.Subject,
            CreatedAt = clock.GetUtcNow(),
        });
    }

    /// <summary>A mail to a customer that is not a reply (a sign-in link), from the first mailbox that can send.</summary>
    public async Task<bool> StageAsync(Platform.Mail.CustomerMail mail, CancellationToken cancellationToken)
    {
        if (await SenderAsync(null, cancellationToken) is not { } mailbox)
        {
            return false;
        }

        var now = clock.GetUtcNow();
        db.Add(new OutboundEmail
        {
            MailboxId = mailbox.Id,
            Kind = mail.Kind switch
            {
                Platform.Mail.CustomerMailKind.SignInLink => OutboundKind.SignInLink,
                Platform.Mail.CustomerMailKind.NotificationDigest => OutboundKind.Digest,
                _ => throw new ArgumentOutOfRangeException(nameof(mail), mail.Kind, null),
            },
            ToAddress = mail.ToAddress,
            ToName = mail.ToName,
            Subject = mail.Subject,
            TextBody = mail.Text,
            Language = mail.Language,
            HeaderMessageId = NewMessageId(mailbox, null),
            Status = OutboundStatus.Pending,
            NextAttemptAt = now,
            CreatedAt = now,
        });
        _staged = true;
        return true;
    }

    /// <summary>The deliveries of a case's replies, by message, for the conversation view.</summary>
    public async Task<IReadOnlyDictionary<long, EmailDeliveryDto>> DeliveriesAsync(long caseId, CancellationToken ct) =>
        (await db.Set<OutboundEmail>().AsNoTracking().Where(o => o.CaseId == caseId && o.MessageId != null)
            .Select(o => new EmailDeliveryDto(o.MessageId!.Value, o.ToAddress, o.Status, o.Attempts, o.SentAt, o.LastError)).ToListAsync(ct))
        .ToDictionary(d => d.MessageId);

    /// <summary>The mailbox a mail goes out from: the one the customer wrote to, else the default one, else the oldest that can send.</summary>
    private async Task<Mailbox?> SenderAsync(Guid? preferred, CancellationToken ct)
    {
        var usable = db.Set<Mailbox>().AsNoTracking().Where(m => m.Enabled && m.SmtpHost != null && m.SmtpPort > 0);
        return (preferred is { } id ? await usable.FirstOrDefaultAsync(m => m.Id == id, ct) : null)
            ?? await usable.OrderByDescending(m => m.IsDefault).ThenBy(m => m.CreatedAt).FirstOrDefaultAsync(ct);
    }

    private async Task<string?> PrimaryEmailAsync(Guid customerId, CancellationToken ct) =>
        (await customers.DetailsAsync(customerId, ct))?.ContactPoints.FirstOrDefault(c => c.Kind == ContactKind.Email)?.Value;

    /// <summary>The thread's ids, oldest first, within the column: the first one and as many of the latest as fit (RFC 5322 §3.6.4).</summary>
    public static string References(IReadOnlyList<string> ids)
    {
        const int Max = 4000;
        var kept = new LinkedList<string>();
        var length = 0;
        for (var i = ids.Count - 1; i >= 1 && length + ids[i].Length + 1 <= Max - (ids[0].Length + 1); i--)
        {
            kept.AddFirst(ids[i]);
            length += ids[i].Length + 1;
        }

        if (ids.Count > 0 && ids[0].Length + length + 1 <= Max)
        {
            kept.AddFirst(ids[0]);
        }

        return string.Join(' ', kept);
    }

    public static string NewMessageId(Mailbox mailbox, long? caseId)
    {
        var domain = mailbox.Address.Split('@') is [_, var d] && d.Length > 0 ? d : "ribalta.local";
        return $"ribalta.{caseId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "x"}.{Guid.NewGuid():N}@{domain}";
    }

    /// <summary>"Re: subject [#1042]": the token threads a reply even when the customer's program drops the headers.</summary>
    public static string ReplySubject(string caseSubject, long caseId)
    {
        var subject = ReplyPrefix().Replace(caseSubject, "").Trim();
        var full = $"Re: {subject} [#{caseId}]";
        return full.Length <= 300 ? full : $"Re: {subject[..(290 - caseId.ToString(System.Globalization.CultureInfo.InvariantCulture).Length)]}… [#{caseId}]";
    }

    /// <summary>The HTML twin of a plain-text body: escaped, paragraphs kept, right-to-left for Arabic.</summary>
    public static string Html(string text, string? language)
    {
        var direction = language == "ar" ? "rtl" : "ltr";
        var html = new StringBuilder($"<!DOCTYPE html><html lang=\"{WebUtility.HtmlEncode(language ?? "en")}\" dir=\"{direction}\"><body dir=\"{direction}\">");
        foreach (var paragraph in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n"))
        {
            html.Append("<p>").Append(WebUtility.HtmlEncode(paragraph).Replace("\n", "<br>", StringComparison.Ordinal)).Append("</p>");
        }

        return html.Append("</body></html>").ToString();
    }

    [GeneratedRegex(@"^((re|r|rif|aw|sv|fwd?|rv|رد)\s*:\s*)+", RegexOptions.IgnoreCase)]
    private static partial Regex ReplyPrefix();
}
