using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Localization;

namespace Ribalta.Platform.Integrations;

/// <summary><c>/api/v1/webhooks</c>: admins subscribe URLs to events, read the delivery log and replay deliveries.</summary>
internal static class WebhookEndpoints
{
    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder app)
    {
        var hooks = app.MapGroup("/api/v1/webhooks").RequireAuthorization(Policies.StaffAdmin).WithTags("Integrations");
        hooks.MapGet("", async (WebhookService service, CancellationToken ct) => TypedResults.Ok(await service.ListAsync(ct)));
        hooks.MapPost("", CreateAsync).WithSummary("Subscribe a URL to event types (case.opened, case.*, *); the signing secret is in this answer only");
        hooks.MapDelete("/{id:guid}", async (Guid id, WebhookService service, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await service.DeactivateAsync(actor, id, ct)).ToHttp(TypedResults.Ok, localizer)).WithSummary("Stop a subscription (its log stays)");
        hooks.MapGet("/{id:guid}/deliveries", async (Guid id, WebhookService service, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await service.DeliveriesAsync(id, ct)).ToHttp(TypedResults.Ok, localizer)).WithSummary("The latest 100 deliveries");
        hooks.MapPost("/deliveries/{id:long}/replay", async (long id, WebhookService service, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await service.ReplayAsync(actor, id, ct)).ToHttp(d => TypedResults.Accepted($"/api/v1/webhooks/{d.SubscriptionId}/deliveries", d), localizer))
            .WithSummary("Send a delivery again, as a new delivery with the same body");
        return app;
    }

    private static async Task<Results<Created<WebhookCreated>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        WebhookInput input, WebhookService service, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
        (await service.CreateAsync(actor, input, ct)).ToHttp(w => TypedResults.Created($"/api/v1/webhooks/{w.Webhook.Id}", w), localizer);
}
