using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Ribalta.Cases.Contracts;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Localization;

namespace Ribalta.Insights.CaseFlow;

/// <summary>One day's flow for a team (null: no department) and channel; averages in seconds, null without any.</summary>
public sealed record CaseFlowDayDto(
    DateOnly Day, Guid? TeamId, Channel Channel, int Opened, int Answered, double? AverageAnswerSeconds, int Solved, double? AverageResolutionSeconds, int Reopened);

/// <summary>The flow over [from, to] (days in the organisation's time zone) and the last event the figures include.</summary>
public sealed record CaseFlowDto(DateOnly From, DateOnly To, long Through, IReadOnlyList<CaseFlowDayDto> Days);

/// <summary><c>/api/v1/insights/case-flow</c>: daily case volume, first-answer and resolution times per team and channel.</summary>
internal static class CaseFlowEndpoints
{
    public const int MaxDays = 366;

    public static IEndpointRouteBuilder MapCaseFlow(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/insights/case-flow", ReadAsync).RequireAuthorization(Policies.InsightsRead).WithTags("Insights")
            .WithSummary("Cases opened, first answers, first resolutions (with average times from opening) and reopenings per day, team and channel");
        return app;
    }

    private static async Task<IResult> ReadAsync(
        DateOnly? from, DateOnly? to, Guid? teamId, bool? noTeam, string? channel, RibaltaDbContext db, TimeProvider clock, IStringLocalizer<Strings> localizer, CancellationToken ct)
    {
        var until = to ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var since = from ?? until.AddDays(-29);
        var v = new ValidationBuilder();
        if (since > until || until.DayNumber - since.DayNumber >= MaxDays)
        {
            v.Add("from", "Validation.ExportPeriod", MaxDays);
        }

        Channel? only = null;
        if (channel is not null)
        {
            if (Enum.TryParse<Channel>(channel, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(channel, out _))
            {
                only = parsed;
            }
            else
            {
                v.Add("channel", "Validation.Invalid");
            }
        }

        if (teamId is not null && noTeam == true)
        {
            v.Add("noTeam", "Validation.Invalid");
        }

        if (v.ToError() is { } invalid)
        {
            return invalid.ToValidationProblem(localizer);
        }

        var query = db.Set<CaseFlowDay>().AsNoTracking().Where(d => d.Day >= since && d.Day <= until);
        if (teamId is { } team)
        {
            query = query.Where(d => d.TeamId == team);
        }
        else if (noTeam == true)
        {
            query = query.Where(d => d.TeamId == Guid.Empty);
        }

        if (only is { } c)
        {
            query = query.Where(d => d.Channel == c);
        }

        var through = await db.Set<EventCursor>().AsNoTracking().Where(x => x.Consumer == CaseFlowProjection.ProjectionName).Select(x => x.LastEventId).FirstOrDefaultAsync(ct);
        var rows = await query.OrderBy(d => d.Day).ThenBy(d => d.TeamId).ThenBy(d => d.Channel).ToListAsync(ct);
        return TypedResults.Ok(new CaseFlowDto(since, until, through, rows.ConvertAll(d => new CaseFlowDayDto(
            d.Day, d.TeamId == Guid.Empty ? null : d.TeamId, d.Channel, d.Opened,
            d.Answered, d.Answered == 0 ? null : (double)d.AnswerSeconds / d.Answered,
            d.Solved, d.Solved == 0 ? null : (double)d.ResolutionSeconds / d.Solved, d.Reopened))));
    }
}
