using Microsoft.EntityFrameworkCore;

namespace Ribalta.Channels.Email;

/// <summary>Which case, and which person, a mail belongs to by what it answers.</summary>
internal sealed partial class EmailIntake
{
    /// <summary>
    /// The chat visitor this mail comes from, when it answers our mail on a chat case and comes from the very address
    /// the visitor left there (nobody else can answer mail sent to an address they do not read).
    /// </summary>
    private async Task<Guid?> ChatVisitorAsync(ParsedEmail email, CancellationToken ct)
    {
        var ancestors = email.Ancestors.Where(a => a.Length <= EmailRecord.KeyMax).Take(30).ToList();
        if (ancestors.Count == 0)
        {
            return null;
        }

        var cases = await db.Set<EmailRecord>().AsNoTracking()
            .Where(e => e.Direction == EmailDirection.Outbound && e.HeaderMessageId != null && ancestors.Contains(e.HeaderMessageId) && e.CaseId != null)
            .Select(e => e.CaseId!.Value).Distinct().ToListAsync(ct);
        var from = email.FromAddress!.Trim().ToLowerInvariant();
        return cases.Count == 0 ? null : await db.Set<Chat.ChatSession>().AsNoTracking()
            .Where(s => cases.Contains(s.CaseId) && s.VisitorEmail != null && s.VisitorEmail.ToLower() == from)
            .Select(s => (Guid?)s.CustomerId).FirstOrDefaultAsync(ct);
    }

    /// <summary>
    /// The cases this mail may continue, nearest first: the cases of its ancestors we know (our reply or their earlier
    /// mail), then the case token in the subject. The landing takes the first open one of the sender's.
    /// </summary>
    private async Task<IReadOnlyList<long>> ThreadAsync(ParsedEmail email, CancellationToken ct)
    {
        var ancestors = email.Ancestors.Where(a => a.Length <= EmailRecord.KeyMax).Take(30).ToList();
        var candidates = new List<long>();
        if (ancestors.Count > 0)
        {
            var known = await db.Set<EmailRecord>().AsNoTracking()
                .Where(e => e.HeaderMessageId != null && ancestors.Contains(e.HeaderMessageId) && e.CaseId != null)
                .Select(e => new { e.HeaderMessageId, e.CaseId })
                .ToListAsync(ct);
            candidates.AddRange(ancestors.SelectMany(a => known.Where(k => k.HeaderMessageId == a).Select(k => k.CaseId!.Value)));
        }

        if (email.CaseToken is { } token)
        {
            candidates.Add(token);
        }

        return candidates;
    }
}
