using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Ribalta.Cases.Contracts;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Localization;
using Ribalta.Platform.Web;

namespace Ribalta.Cases.UpdateCase;

internal static class UpdateCaseEndpoints
{
    /// <summary>On the cases group (<c>/api/v1/cases</c>, any member of staff).</summary>
    public static IEndpointRouteBuilder MapUpdateCase(this IEndpointRouteBuilder cases)
    {
        cases.MapPatch("/{id:long}", Update).RequireAuthorization(Policies.CasesWork);
        return cases;
    }

    /// <summary>Requires <c>If-Match</c> with the ETag that was read, so two people never silently overwrite each other.</summary>
    private static Task<Results<Ok<CaseDetails>, ValidationProblem, ProblemHttpResult>> Update(
        long id,
        UpdateCaseRequest request,
        [FromHeader(Name = "If-Match")] string? ifMatch,
        UpdateCaseHandler handler,
        Actor actor,
        HttpContext http,
        IStringLocalizer<Strings> localizer,
        CancellationToken ct) =>
        ETags.WriteIfMatchAsync(ifMatch, http.Response, localizer, read => handler.HandleAsync(actor, id, read, request, ct), c => c.Version);
}
