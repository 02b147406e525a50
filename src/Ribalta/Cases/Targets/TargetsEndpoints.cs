using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Localization;

namespace Ribalta.Cases.Targets;

/// <summary>Working calendars and response/resolution targets under <c>/api/v1/calendars</c> and <c>/api/v1/targets</c>.</summary>
internal static class TargetsEndpoints
{
    public static IEndpointRouteBuilder MapTargets(this IEndpointRouteBuilder app)
    {
        var calendars = app.MapGroup("/api/v1/calendars").RequireAuthorization(Policies.Staff).WithTags("Targets");
        calendars.MapGet("", async (TargetSettings settings, CancellationToken ct) => TypedResults.Ok(await settings.CalendarsAsync(ct)));
        calendars.MapGet("/organisation", async (TargetSettings settings, CancellationToken ct) => TypedResults.Ok(await settings.CalendarAsync(null, ct)));
        calendars.MapPut("/organisation", (CalendarInput input, TargetSettings settings, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            SaveCalendar(null, input, settings, actor, localizer, ct)).RequireAuthorization(Policies.CasesManage);
        calendars.MapGet("/{id:guid}", GetCalendar);
        calendars.MapPut("/{id:guid}", (Guid id, CalendarInput input, TargetSettings settings, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            SaveCalendar(id, input, settings, actor, localizer, ct)).RequireAuthorization(Policies.CasesManage);
        calendars.MapDelete("/{id:guid}", ResetCalendar).RequireAuthorization(Policies.CasesManage);

        var targets = app.MapGroup("/api/v1/targets").RequireAuthorization(Policies.Staff).WithTags("Targets");
        targets.MapGet("", async (TargetSettings settings, CancellationToken ct) => TypedResults.Ok(await settings.TargetsAsync(ct)));
        targets.MapPut("", SaveTargets).RequireAuthorization(Policies.CasesManage);
        return app;
    }

    private static async Task<Results<Ok<CalendarDto>, NotFound>> GetCalendar(Guid id, TargetSettings settings, CancellationToken ct) =>
        await settings.CalendarAsync(id, ct) is { } calendar ? TypedResults.Ok(calendar) : TypedResults.NotFound();

    private static async Task<Results<Ok<CalendarDto>, ValidationProblem, ProblemHttpResult>> SaveCalendar(
        Guid? departmentId, CalendarInput input, TargetSettings settings, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
        (await settings.SaveCalendarAsync(actor, departmentId, input, ct)).ToHttp(TypedResults.Ok, localizer);

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ResetCalendar(
        Guid id, TargetSettings settings, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
        (await settings.ResetCalendarAsync(actor, id, ct)).ToHttp(_ => TypedResults.NoContent(), localizer);

    /// <summary>Replaces the whole table of targets with the rows sent.</summary>
    private static async Task<Results<Ok<IReadOnlyList<TargetDto>>, ValidationProblem, ProblemHttpResult>> SaveTargets(
        IReadOnlyList<TargetInput> input, TargetSettings settings, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
        (await settings.SaveTargetsAsync(actor, input, ct)).ToHttp(TypedResults.Ok, localizer);
}
