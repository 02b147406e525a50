using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Localization;

namespace Ribalta.Cases.CannedReplies;

/// <summary><c>/api/v1/canned-replies</c>: any member of staff reads the library, those who manage cases keep it.</summary>
internal static class CannedRepliesEndpoints
{
    public static IEndpointRouteBuilder MapCannedReplies(this IEndpointRouteBuilder app)
    {
        var canned = app.MapGroup("/api/v1/canned-replies").RequireAuthorization(Policies.Staff).WithTags("Cases");
        canned.MapGet("", async (string? language, CannedReplyLibrary library, CancellationToken ct) => TypedResults.Ok(await library.ListAsync(language, ct)));
        canned.MapPost("", Save).RequireAuthorization(Policies.CasesManage);
        canned.MapPut("/{id:guid}", Save).RequireAuthorization(Policies.CasesManage);
        canned.MapDelete("/{id:guid}", Delete).RequireAuthorization(Policies.CasesManage);
        return app;
    }

    private static async Task<Results<Ok<CannedReplyDto>, ValidationProblem, ProblemHttpResult>> Save(
        Guid? id, CannedReplyInput input, CannedReplyLibrary library, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
        (await library.SaveAsync(actor, id, input, ct)).ToHttp(TypedResults.Ok, localizer);

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Delete(
        Guid id, CannedReplyLibrary library, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
        (await library.DeleteAsync(actor, id, ct)).ToHttp(_ => TypedResults.NoContent(), localizer);
}
