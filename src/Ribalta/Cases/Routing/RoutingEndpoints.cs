using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Localization;

namespace Ribalta.Cases.Routing;

/// <summary><c>/api/v1/routing</c>: the department new requests go to when their door names none; administrators only.</summary>
internal static class RoutingEndpoints
{
    public static IEndpointRouteBuilder MapRouting(this IEndpointRouteBuilder app)
    {
        var routing = app.MapGroup("/api/v1/routing").RequireAuthorization(Policies.StaffAdmin).WithTags("Routing");
        routing.MapGet("", Get).WithSummary("The department new requests go to when their door (mailbox, chat widget, staff) names none");
        routing.MapPut("", Save).WithSummary("Set the department new requests go to (null: none); an unknown department is refused");
        return app;
    }

    private static async Task<Ok<RoutingDto>> Get(CaseRouting routing, CancellationToken ct) => TypedResults.Ok(await routing.GetAsync(ct));

    private static async Task<Results<Ok<RoutingDto>, ValidationProblem, ProblemHttpResult>> Save(
        RoutingInput input, CaseRouting routing, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
        (await routing.SaveAsync(actor, input, ct)).ToHttp(TypedResults.Ok, localizer);
}
