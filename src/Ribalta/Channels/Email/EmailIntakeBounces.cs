using Microsoft.EntityFrameworkCore;
using Ribalta.Cases.Contracts;
using Ribalta.Platform.Events;

namespace Ribalta.Channels.Email;

/// <summary>Delivery failure reports about mail we sent.</summary>
internal sealed partial class EmailIntake
{
    /// <summary>
    /// A delivery failure report: the case of the mail it reports on says so, and that mail is marked failed. False
    /// when it reports on no mail we know (it is then set aside).
    /// </summary>
    private async Task<bool> RecordBounceAsync(Actor mailer, ParsedEmail email, EmailRecord record, CancellationToken ct)
    {
        if (email.BounceOf is not { } original)
        {
            return false;
        }

        var sent = await db.Set<OutboundEmail>().FirstOrDefaultAsync(o => o.HeaderMessageId == original, ct);
        if (sent is null)
        {
            return false;
        }

        var reason = Truncate(email.FullText.Split('\n').FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "", 300);
        sent.Status = OutboundStatus.Failed;
        sent.LastError = Truncate("Bounced: " + reason, 500);
        record.CaseId = sent.CaseId;
        await db.SaveChangesAsync(ct);
        if (sent.CaseId is { } caseId)
        {
            await conversation.SystemEntryAsync(mailer, caseId, new SystemEntry("Email.Bounced", [sent.ToAddress, reason]), ct);
        }

        return true;
    }
}
