using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Ribalta.Platform.Events;

namespace Ribalta.Platform.Integrations;

/// <summary>
/// Integrations authenticate with <c>Authorization: Bearer rbk_…</c> (or <c>X-Api-Key</c>). The key becomes an
/// integration principal whose roles follow its scopes, so the same policies guard staff and integrations; a key
/// without the write scope may only read (<see cref="ApiKeyScopeRequirement"/>).
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyService keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    public const string HeaderName = "X-Api-Key";

    /// <summary>Role claims an integration principal carries, one per scope.</summary>
    public const string ReadRole = "Integration.Read";

    public const string WriteRole = "Integration.Write";

    public const string AdminRole = "Integration.Admin";

    public const string ScopesClaim = "ribalta:api-scopes";

    /// <summary>Where keys are accepted.</summary>
    public static readonly PathString ApiPath = "/api";

    /// <summary>Whether the request presents a key at all; requests without one go to the staff cookie as before.</summary>
    public static bool Presents(HttpRequest request) =>
        request.Headers.ContainsKey(HeaderName) || (request.Headers.Authorization.ToString() is { } value && value.StartsWith("Bearer " + ApiKeyService.KeyPrefix, StringComparison.Ordinal));

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // Keys are for the REST API. A page, the workspace's circuit or a browser form answered to a key would hand
        // an integration the staff workspace; outside /api a key counts for nothing and the request is anonymous.
        if (!Request.Path.StartsWithSegments(ApiPath))
        {
            return AuthenticateResult.NoResult();
        }

        var presented = Request.Headers[HeaderName].ToString();
        if (presented.Length == 0 && Request.Headers.Authorization.ToString() is { } authorization && authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            presented = authorization["Bearer ".Length..].Trim();
        }

        if (presented.Length == 0)
        {
            return AuthenticateResult.NoResult();
        }

        var key = await keys.VerifyAsync(presented.Trim(), Context.RequestAborted);
        if (key is null)
        {
            return AuthenticateResult.Fail("The API key is unknown, revoked or expired.");
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, key.Id.ToString()),
            new(Actor.DisplayNameClaim, key.Name),
            new(Actor.ApiKeyClaim, key.Prefix),
            new(ScopesClaim, ((int)key.Scopes).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new(ClaimTypes.Role, ReadRole),
        };
        if (key.Scopes.HasFlag(ApiKeyScopes.Write))
        {
            claims.Add(new Claim(ClaimTypes.Role, WriteRole));
        }

        if (key.Scopes.HasFlag(ApiKeyScopes.Admin))
        {
            claims.Add(new Claim(ClaimTypes.Role, AdminRole));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }
}

/// <summary>Part of every staff policy: a key without the write or admin scope may only read (GET, HEAD). Staff are not affected.</summary>
internal sealed class ApiKeyScopeRequirement : AuthorizationHandler<ApiKeyScopeRequirement>, IAuthorizationRequirement
{
    public static readonly ApiKeyScopeRequirement Instance = new();

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ApiKeyScopeRequirement requirement)
    {
        if (!context.User.HasClaim(c => c.Type == Actor.ApiKeyClaim))
        {
            context.Succeed(requirement);
            return Task.CompletedTask;
        }

        // Outside an HTTP request (no method to look at) a read-only key is refused rather than trusted.
        var reads = context.Resource is HttpContext http && (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method));
        if (reads || context.User.IsInRole(ApiKeyAuthenticationHandler.WriteRole) || context.User.IsInRole(ApiKeyAuthenticationHandler.AdminRole))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
