using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Ribalta.Empowerment.Contracts;
using Ribalta.Empowerment.Contracts.Events;
using Ribalta.Empowerment.Data;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;

namespace Ribalta.Empowerment.Resolve;

public sealed record GrantFlagDto(
    long Id, long GrantId, long CaseId, Guid StaffId, string StaffName, Guid? TeamId, string? Team, Guid OptionId, string Option, MoneyDto Amount, MoneyDto TeamMedian,
    int TeamSample, DateTimeOffset FlaggedAt, DateTimeOffset? DiscussedAt, string? DiscussedByName, string? Note);

public sealed record DiscussInput(string? Note);

/// <summary>
/// Watches patterns without distrust: a grant several times the granter's team median for that option and currency
/// (over the 90 days before, from enough grants to mean something) is flagged to the team lead for a conversation.
/// Nothing is blocked; the lead notes that they talked about it.
/// </summary>
internal sealed class GrantNorms(RibaltaDbContext db, IOptions<EmpowermentOptions> options, TeamNormCache cache, TimeProvider clock)
{
    private const int Sample = 500;

    /// <summary>Adds a flag for each of these (saved, so numbered) grants that is far above its team's norm; the caller saves.</summary>
    public async Task FlagAsync(Actor granter, IReadOnlyList<Grant> grants, CancellationToken ct)
    {
        var money = grants.Where(g => g.Amount is not null).ToList();
        if (money.Count == 0)
        {
            return;
        }

        var team = await db.TeamOfAsync(money[0].GrantedBy, ct);
        if (team is null)
        {
            return;
        }

        var now = clock.GetUtcNow();
        foreach (var grant in money)
        {
            var (median, sample) = await NormAsync(team.Value, grant, now, ct);
            if (sample < options.Value.NormMinSample || grant.Amount < median * options.Value.NormFactor)
            {
                continue;
            }

            db.Add(new GrantFlag
            {
                GrantId = grant.Id,
                CaseId = grant.CaseId,
                StaffId = grant.GrantedBy,
                StaffName = grant.GrantedByName,
                TeamId = team,
                OptionId = grant.OptionId,
                Amount = grant.Amount!.Value,
                Currency = grant.Currency!,
                TeamMedian = median,
                TeamSample = sample,
                FlaggedAt = clock.GetUtcNow(),
            });
            db.Append(clock, granter, new GrantFlagged(grant.Id, $"{grant.Amount} {grant.Currency}", median, sample, grant.CaseId), "grant", grant.Id.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>
    /// The team's median grant of the option and currency over the 90 days before (the latest 500 at most), and how
    /// many it is taken from. A norm moves slowly: once it rests on enough grants it is kept for ten minutes, so a
    /// busy team's grants do not each read the team's history.
    /// </summary>
    private async Task<(decimal Median, int Sample)> NormAsync(Guid team, Grant grant, DateTimeOffset now, CancellationToken ct)
    {
        var key = (team, grant.OptionId, grant.Currency!);
        if (cache.TryGet(key, now) is { } known)
        {
            return known;
        }

        var since = now.AddDays(-90);
        var before = await db.Set<Grant>().AsNoTracking()
            .Where(g => g.OptionId == grant.OptionId && g.Currency == grant.Currency && g.GrantedAt >= since && g.Id < grant.Id && g.ReversedAt == null)
            .Join(db.Users.Where(u => u.DepartmentId == team), g => g.GrantedBy, u => u.Id, (g, _) => new { g.Id, g.Amount })
            .OrderByDescending(g => g.Id).Take(Sample).Select(g => g.Amount!.Value).ToListAsync(ct);
        if (before.Count == 0)
        {
            return (0, 0);
        }

        before.Sort();
        var norm = (before.Count % 2 == 1 ? before[before.Count / 2] : (before[(before.Count / 2) - 1] + before[before.Count / 2]) / 2, before.Count);
        if (before.Count >= options.Value.NormMinSample)
        {
            cache.Set(key, norm, now);
        }

        return norm;
    }

    /// <summary>
    /// Flags waiting for a conversation (or, with <paramref name="open"/> false, the latest discussed): a lead sees
    /// their own team's; managers and admins (<paramref name="everyTeam"/>) every team's.
    /// </summary>
    public async Task<IReadOnlyList<GrantFlagDto>> ListAsync(Guid reader, bool everyTeam, bool open, CancellationToken ct)
    {
        var team = await db.TeamOfAsync(reader, ct);
        var flags = db.Set<GrantFlag>().AsNoTracking().Where(f => open ? f.DiscussedAt == null : f.DiscussedAt != null);
        if (!everyTeam)
        {
            flags = flags.Where(f => team != null && f.TeamId == team && f.StaffId != reader);
        }

        var rows = await flags.OrderByDescending(f => f.Id).Take(100).ToListAsync(ct);
        return await ToDtosAsync(rows, ct);
    }

    /// <summary>The lead notes the conversation happened (what came of it, in a line); the flag closes.</summary>
    public async Task<Result<GrantFlagDto>> DiscussedAsync(Actor lead, bool everyTeam, long id, string? note, CancellationToken ct)
    {
        var v = new ValidationBuilder().Required("note", note, 500).NoControlCharacters("note", note);
        if (v.ToError() is { } invalid)
        {
            return invalid;
        }

        var flag = await db.Set<GrantFlag>().FirstOrDefaultAsync(f => f.Id == id, ct);
        if (flag is null || !Guid.TryParse(lead.Id, out var leadId))
        {
            return Error.NotFound();
        }

        var team = await db.TeamOfAsync(leadId, ct);
        if (flag.StaffId == leadId || (!everyTeam && (team is null || flag.TeamId != team)))
        {
            // One's own grants are talked about with one's own lead, not closed by oneself.
            return Error.Forbidden("Error.NotYourTeam");
        }

        if (flag.DiscussedAt is not null)
        {
            return Error.Conflict("Error.FlagDiscussed");
        }

        flag.DiscussedAt = clock.GetUtcNow();
        flag.DiscussedByName = lead.Name;
        flag.Note = note!.Trim();
        flag.Version++;
        db.Append(clock, lead, new GrantFlagDiscussed(id, flag.CaseId), "grant", flag.GrantId.ToString(CultureInfo.InvariantCulture), null);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Error.Conflict("Error.FlagDiscussed");
        }

        return (await ToDtosAsync([flag], ct))[0];
    }

    private async Task<List<GrantFlagDto>> ToDtosAsync(IReadOnlyList<GrantFlag> rows, CancellationToken ct)
    {
        var optionIds = rows.Select(r => r.OptionId).Distinct().ToList();
        var catalogue = await db.Set<ResolutionOption>().AsNoTracking().Where(o => optionIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, ct);
        var teams = await db.Set<Department>().AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Name, ct);
        var language = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName;
        return rows.Select(f => new GrantFlagDto(
            f.Id, f.GrantId, f.CaseId, f.StaffId, f.StaffName, f.TeamId, f.TeamId is { } t ? teams.GetValueOrDefault(t) : null, f.OptionId,
            catalogue.GetValueOrDefault(f.OptionId)?.NameIn(language) ?? "", new MoneyDto(f.Amount, f.Currency), new MoneyDto(f.TeamMedian, f.Currency), f.TeamSample,
            f.FlaggedAt, f.DiscussedAt, f.DiscussedByName, f.Note)).ToList();
    }
}

/// <summary>Team norms computed from enough grants, kept ten minutes (one process; each instance keeps its own).</summary>
internal sealed class TeamNormCache
{
    private static readonly TimeSpan Keep = TimeSpan.FromMinutes(10);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(Guid Team, Guid Option, string Currency), (decimal Median, int Sample, DateTimeOffset At)> _norms = new();

    public (decimal Median, int Sample)? TryGet((Guid Team, Guid Option, string Currency) key, DateTimeOffset now) =>
        _norms.TryGetValue(key, out var norm) && now - norm.At < Keep ? (norm.Median, norm.Sample) : null;

    public void Set((Guid Team, Guid Option, string Currency) key, (decimal Median, int Sample) norm, DateTimeOffset now) =>
        _norms[key] = (norm.Median, norm.Sample, now);
}
