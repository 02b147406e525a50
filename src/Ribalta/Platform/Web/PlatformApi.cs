using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;
using Ribalta.Platform.Audit;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Localization;

namespace Ribalta.Platform.Web;

public sealed record SessionRequest(string? Email, string? Password, string? TwoFactorCode);

public sealed record MeResponse(Guid Id, string DisplayName, string Email, IReadOnlyList<string> Roles, string? PreferredLanguage);

public sealed record InviteRequest(string? Email, string? DisplayName, IReadOnlyList<string>? Roles);

public sealed record InvitationResponse(Guid Id, string Email, string Url, DateTimeOffset ExpiresAt);

public sealed record RolesRequest(IReadOnlyList<string>? Roles);

public sealed record SetupRequest(string? Token, string? Email, string? DisplayName, string? Password, string? PreferredLanguage);

public sealed record AcceptInvitationRequest(string? Token, string? Password, string? PreferredLanguage);

/// <summary>Sessions, staff administration, set-up and audit under <c>/api/v1</c>; language switching and sign-out for browsers.</summary>
internal static class PlatformApi
{
    public static IEndpointRouteBuilder MapPlatformApi(this IEndpointRouteBuilder app)
    {
        var session = app.MapGroup("/api/v1/session").WithTags("Session");
        session.MapPost("", SignIn).AllowAnonymous();
        session.MapDelete("", (HttpContext http, SignInSessions sessions, SignInManager<StaffUser> signIn) => SignOut(http, sessions, signIn, everywhere: false))
            .RequireAuthorization(Policies.Staff).WithSummary("Sign out: ends this session on the server");
        session.MapDelete("/all", (HttpContext http, SignInSessions sessions, SignInManager<StaffUser> signIn) => SignOut(http, sessions, signIn, everywhere: true))
            .RequireAuthorization(Policies.Staff).WithSummary("Sign out everywhere: ends every session of the signed-in person, in every browser and client");
        app.MapGet("/api/v1/me", Me).RequireAuthorization(Policies.Staff).WithTags("Session");

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
        departments.MapPost("", (DepartmentInput input, StaffDepartments d, HttpContext h, IStringLocalizer<Strings> l, CancellationToken ct) => SaveDepartment(null, input, d, h, l, ct))
            .RequireAuthorization(Policies.StaffAdmin);
        departments.MapPut("/{id:guid}", (Guid id, DepartmentInput input, StaffDepartments d, HttpContext h, IStringLocalizer<Strings> l, CancellationToken ct) => SaveDepartment(id, input, d, h, l, ct))
            .RequireAuthorization(Policies.StaffAdmin);
        staff.MapPost("/{id:guid}/deactivate", (Guid id, StaffAccess d, HttpContext h, IStringLocalizer<Strings> l, CancellationToken ct) => SetActive(id, false, d, h, l, ct));
        staff.MapPost("/{id:guid}/reactivate", (Guid id, StaffAccess d, HttpContext h, IStringLocalizer<Strings> l, CancellationToken ct) => SetActive(id, true, d, h, l, ct));

        app.MapGet("/api/v1/audit", AuditLog).RequireAuthorization(Policies.AuditRead).WithTags("Audit");

        app.MapGet("/culture/{code}", SwitchCulture).AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/logout", (HttpContext h, SignInSessions s, SignInManager<StaffUser> i, IAntiforgery a) => Logout(h, s, i, a, everywhere: false))
            .RequireAuthorization(Policies.Staff).ExcludeFromDescription().DisableAntiforgery();
        app.MapPost("/logout/all", (HttpContext h, SignInSessions s, SignInManager<StaffUser> i, IAntiforgery a) => Logout(h, s, i, a, everywhere: true))
            .RequireAuthorization(Policies.Staff).ExcludeFromDescription().DisableAntiforgery();
        return app;
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> SignIn(
        SessionRequest request,
        StaffSignIn staffSignIn,
        IStringLocalizer<Strings> localizer)
    {
        var outcome = await staffSignIn.PasswordAndCodeAsync(request.Email, request.Password, request.TwoFactorCode);
        if (outcome == SignInOutcome.RequiresTwoFactor)
        {
            return TypedResults.Problem(title: localizer["Login.TwoFactorRequired"].Value, statusCode: StatusCodes.Status401Unauthorized, extensions: new Dictionary<string, object?> { ["code"] = "Login.TwoFactorRequired" });
        }

        // A locked account (Identity still locks it) answers exactly like a wrong password or an unknown address:
        // a different answer would tell anyone with a list of addresses which of them have accounts here.
        return outcome switch
        {
            SignInOutcome.Succeeded => TypedResults.NoContent(),
            _ => TypedResults.Problem(title: localizer["Login.Failed"].Value, statusCode: StatusCodes.Status401Unauthorized, extensions: new Dictionary<string, object?> { ["code"] = "Login.Failed" }),
        };
    }

    private static async Task<NoContent> SignOut(HttpContext http, SignInSessions sessions, SignInManager<StaffUser> signIn, bool everywhere)
    {
        await EndSessionAsync(http, sessions, signIn, everywhere);
        return TypedResults.NoContent();
    }

    /// <summary>Ends the session on the server (so a copy of the cookie stops working too), then clears the browser's cookie.</summary>
    private static async Task EndSessionAsync(HttpContext http, SignInSessions sessions, SignInManager<StaffUser> signIn, bool everywhere)
    {
        if (everywhere && SessionCookieEvents.SubjectOf(http.User, System.Security.Claims.ClaimTypes.NameIdentifier) is { } person && SignInSessions.IdOf(http.User) is not null)
        {
            await sessions.EndAllAsync(SignInSessions.Staff, person, http.RequestAborted);
        }
        else if (SignInSessions.IdOf(http.User) is { } id)
        {
            await sessions.EndAsync(id, http.RequestAborted);
        }

        await signIn.SignOutAsync();
    }

    private static async Task<Results<Ok<MeResponse>, UnauthorizedHttpResult>> Me(UserManager<StaffUser> users, HttpContext http)
    {
        var user = await users.GetUserAsync(http.User);
        if (user is null)
        {
            return TypedResults.Unauthorized();
        }

        var roles = await users.GetRolesAsync(user);
        return TypedResults.Ok(new MeResponse(user.Id, user.DisplayName, user.Email ?? "", roles.Order(StringComparer.Ordinal).ToList(), user.PreferredLanguage));
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
        HttpContext http,
        IStringLocalizer<Strings> localizer,
        CancellationToken ct) =>
        (await invitations.InviteAsync(Actor.From(http.User), request.Email, request.DisplayName, request.Roles, ct))
            .ToHttp(i => TypedResults.Created($"/api/v1/staff/invitations/{i.Id}", new InvitationResponse(i.Id, i.Email, InvitationUrl(http.Request, i.Token), i.ExpiresAt)), localizer);

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> RevokeInvitation(
        Guid id,
        StaffInvitations invitations,
        HttpContext http,
        IStringLocalizer<Strings> localizer,
        CancellationToken ct) =>
        (await invitations.RevokeInvitationAsync(Actor.From(http.User), id, ct)).ToHttp(_ => TypedResults.NoContent(), localizer);

    private static async Task<Results<Ok<StaffSummary>, ValidationProblem, ProblemHttpResult>> SetDepartment(
        Guid id, StaffDepartmentInput input, StaffDepartments departments, HttpContext http, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
        (await departments.SetDepartmentAsync(Actor.From(http.User), id, input.DepartmentId, ct)).ToHttp(TypedResults.Ok, localizer);

    private static async Task<Results<Ok<DepartmentDto>, ValidationProblem, ProblemHttpResult>> SaveDepartment(
        Guid? id, DepartmentInput input, StaffDepartments departments, HttpContext http, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
        (await departments.SaveDepartmentAsync(Actor.From(http.User), id, input, ct)).ToHttp(TypedResults.Ok, localizer);

    private static async Task<Results<Ok<StaffSummary>, ValidationProblem, ProblemHttpResult>> SetRoles(
        Guid id,
        RolesRequest request,
        StaffAccess access,
        HttpContext http,
        IStringLocalizer<Strings> localizer,
        CancellationToken ct) =>
        (await access.SetRolesAsync(Actor.From(http.User), id, request.Roles, ct)).ToHttp(TypedResults.Ok, localizer);

    private static async Task<Results<Ok<StaffSummary>, ValidationProblem, ProblemHttpResult>> SetActive(
        Guid id,
        bool active,
        StaffAccess access,
        HttpContext http,
        IStringLocalizer<Strings> localizer,
        CancellationToken ct) =>
        (await access.SetActiveAsync(Actor.From(http.User), id, active, ct)).ToHttp(TypedResults.Ok, localizer);

    private static async Task<Results<Ok<AuditPage>, ValidationProblem>> AuditLog(
        AuditQueries audit,
        IStringLocalizer<Strings> localizer,
        string? type,
        string? actor,
        string? subject,
        DateTimeOffset? from,
        DateTimeOffset? to,
        long? before,
        int? limit,
        CancellationToken ct)
    {
        if (from is not null && to is not null && from > to)
        {
            return Error.Validation("from", "Validation.RangeInverted").ToValidationProblem(localizer);
        }

        return TypedResults.Ok(await audit.SearchAsync(new AuditFilter(type, actor, subject, from, to, before, limit ?? 50), ct));
    }

    /// <summary>Remembers the chosen language (cookie, and the staff profile when signed in) and goes back.</summary>
    private static async Task<RedirectHttpResult> SwitchCulture(string code, string? returnUrl, HttpContext http, UserManager<StaffUser> users)
    {
        var target = LocalUrl.OrHome(returnUrl);
        if (!SupportedCultures.IsSupported(code))
        {
            return TypedResults.LocalRedirect(target);
        }

        SupportedCultures.WriteCookie(http.Response, code);
        if (http.User.Identity?.IsAuthenticated == true && await users.GetUserAsync(http.User) is { } user && user.PreferredLanguage != code)
        {
            user.PreferredLanguage = code;
            await users.UpdateAsync(user);
        }

        return TypedResults.LocalRedirect(target);
    }

    private static async Task<IResult> Logout(HttpContext http, SignInSessions sessions, SignInManager<StaffUser> signIn, IAntiforgery antiforgery, bool everywhere)
    {
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return TypedResults.BadRequest();
        }

        await EndSessionAsync(http, sessions, signIn, everywhere);
        return TypedResults.LocalRedirect("/login");
    }

    public static string InvitationUrl(HttpRequest request, string token) => $"{request.Scheme}://{request.Host}/{StaffInvitations.InvitationPath(token)}";
}
