using Microsoft.Extensions.Localization;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Localization;

namespace Ribalta.Empowerment.Envelopes;

/// <summary><c>/api/v1/envelope-rules</c>: who may grant what without asking; managers keep the rules.</summary>
internal static class EnvelopeEndpoints
{
    public static IEndpointRouteBuilder MapEnvelopes(this IEndpointRouteBuilder app)
    {
        var envelopes = app.MapGroup("/api/v1/envelope-rules").RequireAuthorization(Policies.Staff).WithTags("Empowerment");
        envelopes.MapGet("", async (EnvelopeRules rules, CancellationToken ct) => TypedResults.Ok(await rules.ListAsync(ct)))
            .WithSummary("Who may grant what without asking");
        envelopes.MapPost("", async (EnvelopeRuleInput input, EnvelopeRules rules, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await rules.SaveAsync(actor, null, input, ct)).ToHttp(r => TypedResults.Created($"/api/v1/envelope-rules/{r.Id}", r), localizer))
            .RequireAuthorization(Policies.CasesManage).WithSummary("Add an envelope rule: an option, a role (optionally a team, segment or tenure), its limits per currency");
        envelopes.MapPut("/{id:guid}", async (Guid id, EnvelopeRuleInput input, EnvelopeRules rules, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await rules.SaveAsync(actor, id, input, ct)).ToHttp(TypedResults.Ok, localizer))
            .RequireAuthorization(Policies.CasesManage);
        envelopes.MapDelete("/{id:guid}", async (Guid id, EnvelopeRules rules, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await rules.RemoveAsync(actor, id, ct)).ToHttp(_ => TypedResults.NoContent(), localizer))
            .RequireAuthorization(Policies.CasesManage);
        return app;
    }
}
