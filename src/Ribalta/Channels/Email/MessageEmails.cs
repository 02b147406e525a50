using Microsoft.EntityFrameworkCore;
using Ribalta.Cases.Contracts;
using Ribalta.Platform.Data;

namespace Ribalta.Channels.Email;

/// <summary>The emails behind a page of messages (<see cref="IMessageEmails"/>), in two queries whatever the page's size.</summary>
internal sealed class MessageEmails(RibaltaDbContext db) : IMessageEmails
{
    public async Task<IReadOnlyDictionary<long, MessageEmailDto>> ForMessagesAsync(IReadOnlyCollection<long> messageIds, CancellationToken ct)
    {
        var emails = new Dictionary<long, MessageEmailDto>();
        var outbound = await db.Set<OutboundEmail>().AsNoTracking().Where(o => o.MessageId != null && messageIds.Contains(o.MessageId.Value)).OrderBy(o => o.Id)
            .Select(o => new { MessageId = o.MessageId!.Value, o.ToAddress, o.Status, o.Attempts, o.SentAt, o.LastError }).ToListAsync(ct);
        foreach (var o in outbound)
        {
            emails.TryAdd(o.MessageId, new MessageEmailDto(o.ToAddress, false, false, o.Status.ToString(), o.Attempts, o.SentAt, o.LastError));
        }

        // The mail a customer's words came in wins over any reply mail (a message is one or the other).
        var inbound = await db.Set<EmailRecord>().AsNoTracking().Where(e => e.MessageId != null && messageIds.Contains(e.MessageId.Value) && e.Direction == EmailDirection.Inbound).OrderByDescending(e => e.Id)
            .Select(e => new { MessageId = e.MessageId!.Value, e.Address, e.HasHtml, HasOriginal = e.EmlSha256 != null }).ToListAsync(ct);
        foreach (var e in inbound)
        {
            emails[e.MessageId] = new MessageEmailDto(e.Address, e.HasHtml, e.HasOriginal, null, 0, null, null);
        }

        return emails;
    }
}
