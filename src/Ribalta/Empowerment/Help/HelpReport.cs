using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Ribalta.Empowerment.Contracts;
using Ribalta.Empowerment.Data;
using Ribalta.Platform.Data;

namespace Ribalta.Empowerment.Help;

/// <summary>The help report: what is asked, who answers and how fast, and which decisions a reasonable envelope would have covered.</summary>
internal sealed class HelpReport(RibaltaDbContext db, IOptions<EmpowermentOptions> options, TimeProvider clock)
{
    /// <summary>
    /// Over [from, to) of asking: requests per reason; per helper, answers, median time to answer and the share within
    /// target; per option, decisions asked and approved, and how many a reasonable envelope (the agent's room times
    /// <see cref="EmpowermentOptions.ReasonableReach"/>) would have covered: frequent help for the same thing points at
    /// the envelope or a rule, not at the agent.
    /// </summary>
    public async Task<HelpReportDto> ReportAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var rows = await db.Set<HelpRequest>().AsNoTracking().Where(r => r.AskedAt >= from && r.AskedAt < to)
            .OrderBy(r => r.AskedAt)
            .Select(r => new { r.Reason, r.Status, r.AnsweredBy, r.AnsweredByName, r.AskedAt, r.AnsweredAt, r.DueAt, r.Reach, r.Proposal, r.HelperId, r.HelperName })
            .Take(200_000).ToListAsync(ct);
        var now = clock.GetUtcNow();
        var reasonable = options.Value.ReasonableReach;
        var byReason = Enum.GetValues<HelpReason>().Select(reason =>
        {
            var of = rows.Where(r => r.Reason == reason).ToList();
            return new HelpReasonRow(reason, of.Count, of.Count(r => r.Status == HelpStatus.Open), of.Count(r => r.Status == HelpStatus.Approved),
                of.Count(r => r.Status == HelpStatus.Declined), of.Count(r => r.Status == HelpStatus.Answered), of.Count(r => r.Status == HelpStatus.Withdrawn));
        }).ToList();

        var answeredRows = rows.Where(r => r.AnsweredBy is not null && r.AnsweredAt is not null).ToList();
        var overdueInPeriod = rows.Where(r => r.Status == HelpStatus.Open && r.HelperId is not null && r.DueAt < now).ToList();

        // What waits now is what waits now, whenever it was asked.
        var waiting = await db.Set<HelpRequest>().AsNoTracking().Where(r => r.Status == HelpStatus.Open && r.HelperId != null)
            .OrderBy(r => r.DueAt)
            .Select(r => new { HelperId = r.HelperId!.Value, r.HelperName, r.DueAt }).Take(100_000).ToListAsync(ct);
        var helpers = answeredRows.Select(r => (r.AnsweredBy!.Value, r.AnsweredByName!)).Concat(waiting.Select(r => (r.HelperId, r.HelperName ?? "")))
            .DistinctBy(h => h.Item1).ToList();
        var byHelper = helpers.Select(h =>
        {
            var answered = answeredRows.Where(r => r.AnsweredBy == h.Item1).ToList();
            var minutes = answered.Select(r => (r.AnsweredAt!.Value - r.AskedAt).TotalMinutes).Order().ToList();
            var missed = overdueInPeriod.Count(r => r.HelperId == h.Item1);
            var mine = waiting.Where(r => r.HelperId == h.Item1).ToList();

            // Within target: answered in time, out of those answered and those still open past their target.
            var judged = answered.Count + missed;
            return new HelperRow(h.Item1, h.Item2, answered.Count, minutes.Count == 0 ? null : Math.Round(Median(minutes), 1),
                judged == 0 ? null : Math.Round((double)answered.Count(r => r.AnsweredAt <= r.DueAt) / judged, 3),
                mine.Count, mine.Count(r => r.DueAt < now));
        }).OrderByDescending(h => h.OverdueNow).ThenByDescending(h => h.MedianMinutes).ToList();

        var decisions = rows.Where(r => r.Reason == HelpReason.AboveEnvelope).ToList();
        bool Within(decimal? reach) => reach is { } x && x <= reasonable;
        var optionIds = decisions.SelectMany(r => r.Proposal.Select(p => p.OptionId)).Distinct().ToList();
        var catalogue = await db.Set<ResolutionOption>().AsNoTracking().Where(o => optionIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, ct);
        var language = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName;
        var byOption = optionIds.Where(catalogue.ContainsKey).Select(optionId =>
        {
            var of = decisions.Where(r => r.Proposal.Any(p => p.OptionId == optionId)).ToList();
            var approved = of.Where(r => r.Status == HelpStatus.Approved).ToList();
            return new HelpOptionRow(optionId, catalogue[optionId].NameIn(language), of.Count, approved.Count, approved.Count(r => Within(r.Reach)));
        }).OrderByDescending(o => o.Asked).ToList();
        var approvedDecisions = decisions.Where(r => r.Status == HelpStatus.Approved).ToList();
        return new HelpReportDto(byReason, byHelper, byOption, approvedDecisions.Count, approvedDecisions.Count(r => Within(r.Reach)), reasonable);
    }

    private static double Median(List<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}
