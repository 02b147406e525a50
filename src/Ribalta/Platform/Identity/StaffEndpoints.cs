using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Localization;

namespace Ribalta.Platform.Identity;

public sealed record InviteRequest(string? Email, string? DisplayName, IReadOnlyList<string>? Roles);

public sealed record InvitationResponse(Guid Id, string Email, string Url, DateTimeOffset ExpiresAt);

public sealed record RolesRequest(IReadOnlyList<string>? Roles);

public sealed record SetupRequest(string? Token, string? Email, string? DisplayName, string? Password, string? PreferredLanguage);

public sealed record AcceptInvitationRequest(string? Token, string? Password, string? PreferredLanguage);

/// <summary>Who works here: first-run set-up, invitations, roles, departments, and turning people off and on again.</summary>
internal static class StaffEndpoints
{
    public static IEndpointRouteBuilder MapStaff(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/setup", Setup).AllowAnonymous().WithTags("Setup");
        app.MapPost("/api/v1/invitations/accept", Accept).AllowAnonymous().WithTags("Staff");

        var staff = app.MapGroup("/api/v1/staff").RequireAuthorization(Policies.StaffAdmin).WithTags("Staff");
        staff.MapGet("", ListStaff);
        staff.MapPost("/invitations", Invite);
        staff.MapDelete("/invitations/{id:guid}", RevokeInvitation);
        staff.MapPut("/{id:guid}/roles", SetRoles);
        staff.MapPut("/{id:guid}/department", SetDepartment);

        var departments = app.MapGroup("/api/v1/departments").RequireAuthorization(Policies.Staff).WithTags("Staff");
        departments.MapGet("", async (StaffDirectory directory, CancellationToken ct) => TypedResults.Ok(await directory.DepartmentsAsync(ct)));
        departments.MapPost("", (DepartmentInput input, StaffDepartments d, Actor a, IStringLocalizer<Strings> l, CancellationToken ct) => SaveDepartment(null, input, d, a, l, ct))
            .RequireAuthorization(Policies.StaffAdmin);
        departments.MapPut("/{id:guid}", (Guid id, DepartmentInput input, StaffDepartments d, Actor a, IStringLocalizer<Strings> l, CancellationToken ct) => SaveDepartment(id, input, d, a, l, ct))
            .RequireAuthorization(Policies.StaffAdmin);
        staff.MapPost("/{id:guid}/deactivate", (Guid id, StaffAccess d, Actor a, IStringLocalizer<Strings> l, CancellationToken ct) => SetActive(id, false, d, a, l, ct));
        staff.MapPost("/{id:guid}/reactivate", (Guid id, StaffAccess d, Actor a, IStringLocalizer<Strings> l, CancellationToken ct) => SetActive(id, true, d, a, l, ct));
        return app;
    }

    private static async Task<Results<Created<MeResponse>, ValidationProblem, ProblemHttpResult>> Setup(
        SetupRequest request,
        FirstRunSetup setup,
        IStringLocalizer<Strings> localizer,
        CancellationToken ct) =>
        (await setup.CompleteSetupAsync(request.Token, request.Email, request.DisplayName, request.Password, request.PreferredLanguage, ct))
            .ToHttp(u => TypedResults.Created("/api/v1/me", new MeResponse(u.Id, u.DisplayName, u.Email ?? "", [StaffRoles.Admin], u.PreferredLanguage)), localizer);

    private static async Task<Results<Created<MeResponse>, ValidationProblem, ProblemHttpResult>> Accept(
        AcceptInvitationRequest request,
        StaffInvitations invitations,
        IStringLocalizer<Strings> localizer,
        CancellationToken ct) =>
        (await invitations.AcceptInvitationAsync(request.Token, request.Password, request.PreferredLanguage, ct))
            .ToHttp(u => TypedResults.Created("/api/v1/me", new MeResponse(u.Id, u.DisplayName, u.Email ?? "", [], u.PreferredLanguage)), localizer);

    private static async Task<Ok<IReadOnlyList<StaffSummary>>> ListStaff(StaffDirectory directory, string? q, CancellationToken ct) =>
        TypedResults.Ok(await directory.ListAsync(q, ct));

    private static async Task<Results<Created<InvitationResponse>, ValidationProblem, ProblemHttpResult>> Invite(
        InviteRequest request,
        StaffInvitations invitations,
        Actor actor,
        HttpContext http,
        IStringLocalizer<Strings> localizer,
        CancellationToken ct) =>
        (await invitations.InviteAsync(actor, request.Email, request.DisplayName, request.Roles, ct))
            .ToHttp(i => TypedResults.Created($"/api/v1/staff/invitations/{i.Id}", new InvitationResponse(i.Id, i.Email, InvitationUrl(http.Request, i.Token), i.ExpiresAt)), localizer);

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> RevokeInvitation(
        Guid id,
        StaffInvitations invitations,
        Actor actor,
        IStringLocalizer<Strings> localizer,
        CancellationToken ct) =>
        (await invitations.RevokeInvitationAsync(actor, id, ct)).ToHttp(_ => TypedResults.NoContent(), localizer);

    private static async Task<Results<Ok<StaffSummary>, ValidationProblem, ProblemHttpResult>> SetDepartment(
        Guid id, StaffDepartmentInput input, StaffDepartments departments, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
        (await departments.SetDepartmentAsync(actor, id, input.DepartmentId, ct)).ToHttp(TypedResults.Ok, localizer);

    private static async Task<Results<Ok<DepartmentDto>, ValidationProblem, ProblemHttpResult>> SaveDepartment(
        Guid? id, DepartmentInput input, StaffDepartments departments, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
        (await departments.SaveDepartmentAsync(actor, id, input, ct)).ToHttp(TypedResults.Ok, localizer);

    private static async Task<Results<Ok<StaffSummary>, ValidationProblem, ProblemHttpResult>> SetRoles(
        Guid id,
        RolesRequest request,
        StaffAccess access,
        Actor actor,
        IStringLocalizer<Strings> localizer,
        CancellationToken ct) =>
        (await access.SetRolesAsync(actor, id, request.Roles, ct)).ToHttp(TypedResults.Ok, localizer);

    private static async Task<Results<Ok<StaffSummary>, ValidationProblem, ProblemHttpResult>> SetActive(
        Guid id,
        bool active,
        StaffAccess access,
        Actor actor,
        IStringLocalizer<Strings> localizer,
        CancellationToken ct) =>
        (await access.SetActiveAsync(actor, id, active, ct)).ToHttp(TypedResults.Ok, localizer);

    private static string InvitationUrl(HttpRequest request, string token) => $"{request.Scheme}://{request.Host}/{StaffInvitations.InvitationPath(token)}";
}
