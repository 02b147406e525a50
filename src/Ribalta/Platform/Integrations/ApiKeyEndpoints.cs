using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Localization;

namespace Ribalta.Platform.Integrations;

/// <summary><c>/api/v1/api-keys</c>: admins create (the key is shown once), list and revoke integration keys.</summary>
internal static class ApiKeyEndpoints
{
    public static IEndpointRouteBuilder MapApiKeys(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/api/v1/api-keys").RequireAuthorization(Policies.StaffAdmin).WithTags("Integrations");
        keys.MapGet("", async (ApiKeyService service, CancellationToken ct) => TypedResults.Ok(await service.ListAsync(ct)))
            .WithSummary("List integration keys (never their secrets)");
        keys.MapPost("", CreateAsync).WithSummary("Create a key with scopes read, write, admin; the key is in this answer only");
        keys.MapDelete("/{id:guid}", RevokeAsync).WithSummary("Revoke a key: it stops working at once");
        return app;
    }

    private static async Task<Results<Created<ApiKeyCreated>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        ApiKeyInput input, ApiKeyService service, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
        (await service.CreateAsync(actor, input, ct)).ToHttp(k => TypedResults.Created($"/api/v1/api-keys/{k.ApiKey.Id}", k), localizer);

    private static async Task<Results<Ok<ApiKeyDto>, ValidationProblem, ProblemHttpResult>> RevokeAsync(
        Guid id, ApiKeyService service, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
        (await service.RevokeAsync(actor, id, ct)).ToHttp(TypedResults.Ok, localizer);
}
