using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Localization;

namespace Ribalta.Empowerment;

/// <summary>The period a report or an export covers: [From, To), whole days in UTC.</summary>
internal readonly record struct ReportPeriod(DateTimeOffset From, DateTimeOffset To)
{
    public const int MaxDays = 366;

    /// <summary>From optional ISO dates: by default the last <paramref name="days"/> up to today; null when the dates make no period of at most <see cref="MaxDays"/> days.</summary>
    public static ReportPeriod? Of(DateOnly? from, DateOnly? to, int days, TimeProvider clock)
    {
        var until = to ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(1);
        var since = from ?? until.AddDays(-days);
        return since >= until || until.DayNumber - since.DayNumber > MaxDays
            ? null
            : new ReportPeriod(new DateTimeOffset(since.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), new DateTimeOffset(until.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
    }

    /// <summary>The answer to dates that make no period.</summary>
    public static ValidationProblem Invalid(IStringLocalizer<Strings> localizer) =>
        Error.Validation("from", "Validation.ExportPeriod", MaxDays).ToValidationProblem(localizer);
}
