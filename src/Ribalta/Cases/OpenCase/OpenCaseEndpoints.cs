using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Ribalta.Cases.Contracts;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Localization;
using Ribalta.Platform.Web;

namespace Ribalta.Cases.OpenCase;

internal static class OpenCaseEndpoints
{
    /// <summary>On the cases group (<c>/api/v1/cases</c>, any member of staff).</summary>
    public static IEndpointRouteBuilder MapOpenCase(this IEndpointRouteBuilder cases)
    {
        cases.MapPost("", Open).RequireAuthorization(Policies.CasesWork);
        return cases;
    }

    private static async Task<Results<Created<CaseDetails>, ValidationProblem, ProblemHttpResult>> Open(
        OpenCaseRequest request, OpenCaseHandler handler, Actor actor, HttpContext http, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
        (await handler.HandleAsync(actor, request, ct)).WithETag(http.Response, c => c.Version)
            .ToHttp(c => TypedResults.Created($"/api/v1/cases/{c.Id}", c), localizer);
}
