using Microsoft.Extensions.Localization;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Localization;

namespace Ribalta.Empowerment.Catalogue;

/// <summary><c>/api/v1/resolution-options</c>: what may be granted at all; managers keep the list.</summary>
internal static class CatalogueEndpoints
{
    public static IEndpointRouteBuilder MapCatalogue(this IEndpointRouteBuilder app)
    {
        var options = app.MapGroup("/api/v1/resolution-options").RequireAuthorization(Policies.Staff).WithTags("Empowerment");
        options.MapGet("", async (ResolutionCatalogue catalogue, CancellationToken ct) => TypedResults.Ok(await catalogue.ListAsync(ct)))
            .WithSummary("The catalogue of resolution options");
        options.MapPost("", async (ResolutionOptionInput input, ResolutionCatalogue catalogue, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await catalogue.SaveAsync(actor, null, input, ct)).ToHttp(o => TypedResults.Created($"/api/v1/resolution-options/{o.Id}", o), localizer))
            .RequireAuthorization(Policies.CasesManage).WithSummary("Add a resolution option (names per language; money, days, items or an exception)");
        options.MapPut("/{id:guid}", async (Guid id, ResolutionOptionInput input, ResolutionCatalogue catalogue, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await catalogue.SaveAsync(actor, id, input, ct)).ToHttp(TypedResults.Ok, localizer))
            .RequireAuthorization(Policies.CasesManage).WithSummary("Change a resolution option, or turn it off");
        return app;
    }
}
