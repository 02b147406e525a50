using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Localization;
using Ribalta.Platform.Storage;

namespace Ribalta.Channels.Social;

/// <summary>
/// <c>POST /api/v1/social/mentions</c>: where a listening tool delivers public mentions (JSON), or a person uploads an
/// export (JSON or CSV). Each becomes a social message from its author, once.
/// </summary>
internal static class SocialMentionsEndpoints
{
    public static IEndpointRouteBuilder MapSocialMentions(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/social/mentions", ImportAsync).RequireAuthorization(Policies.CasesWork).WithTags("Social")
            .Accepts<SocialMentionBatch>("application/json", "text/csv")
            .WithSummary("Import public mentions as social messages")
            .WithDescription("JSON ({\"mentions\": [...]} or an array) or CSV with a header (id, network, handle, name, text, url, language). One malformed mention refuses them all (400, nothing written); a mention already imported is reported as such and not written again.");
        return app;
    }

    private static async Task<Results<Ok<SocialImportReport>, ValidationProblem, ProblemHttpResult>> ImportAsync(
        HttpRequest request, SocialMentions mentions, IStringLocalizer<Strings> localizer, CancellationToken ct)
    {
        var content = await BoundedRead.ReadAsync(request.Body, SocialMentions.MaxBytes, ct);
        if (content is null)
        {
            return Error.Validation("file", "Validation.FileTooLarge", SocialMentions.MaxBytes / 1024 / 1024).ToProblem(localizer);
        }

        var (read, fileError) = SocialMentions.Read(content);
        if (read is null)
        {
            return Error.Validation("file", fileError!).ToValidationProblem(localizer);
        }

        var report = await mentions.ImportAsync(Actor.From(request.HttpContext.User), read, ct);
        return report.Errors.Count > 0 ? Error.Validation(report.Errors).ToValidationProblem(localizer) : TypedResults.Ok(report);
    }
}
