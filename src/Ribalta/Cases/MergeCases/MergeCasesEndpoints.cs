using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Ribalta.Cases.Contracts;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Localization;

namespace Ribalta.Cases.MergeCases;

internal static class MergeCasesEndpoints
{
    /// <summary>Merging and linking cases, on the cases group (<c>/api/v1/cases</c>, any member of staff).</summary>
    public static IEndpointRouteBuilder MapMergeCases(this IEndpointRouteBuilder cases)
    {
        cases.MapPost("/{id:long}/merge", Merge).RequireAuthorization(Policies.CasesWork);
        cases.MapPost("/{id:long}/links", (long id, LinkRequest request, CaseRelations relations, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            Link(id, request.CaseId, true, relations, actor, localizer, ct)).RequireAuthorization(Policies.CasesWork);
        cases.MapDelete("/{id:long}/links/{otherId:long}", (long id, long otherId, CaseRelations relations, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            Link(id, otherId, false, relations, actor, localizer, ct)).RequireAuthorization(Policies.CasesWork);
        return cases;
    }

    private static async Task<Results<Ok<CaseDetails>, ValidationProblem, ProblemHttpResult>> Merge(
        long id, MergeCasesRequest request, CaseRelations relations, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
        (await relations.MergeAsync(actor, id, request.SourceId, ct)).ToHttp(TypedResults.Ok, localizer);

    private static async Task<Results<Ok<CaseDetails>, ValidationProblem, ProblemHttpResult>> Link(
        long id, long otherId, bool link, CaseRelations relations, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
        (await relations.LinkAsync(actor, id, otherId, link, ct)).ToHttp(TypedResults.Ok, localizer);
}
