using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Ribalta.Platform.Data;
using Ribalta.Platform.Events;
using Ribalta.Platform.Integrations;

namespace Ribalta.Platform.Identity;

internal static class IdentityModule
{
    public static IServiceCollection AddRibaltaIdentity(this IServiceCollection services)
    {
        services.AddIdentity<StaffUser, IdentityRole<Guid>>(o =>
            {
                // NIST 800-63B: length over composition rules.
                o.Password.RequiredLength = 12;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequiredUniqueChars = 4;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.User.RequireUniqueEmail = true;
                o.SignIn.RequireConfirmedAccount = false;
            })
            .AddEntityFrameworkStores<RibaltaDbContext>()
            .AddDefaultTokenProviders()
            .AddClaimsPrincipalFactory<StaffClaimsPrincipalFactory>();

        // Role changes reach a signed-in person's cookie within a minute. Sign-out, sign-out everywhere and deactivation
        // end the server-side session at once (SignInSessions); the stamp check keeps the session's id on the new cookie.
        services.Configure<SecurityStampValidatorOptions>(o =>
        {
            o.ValidationInterval = TimeSpan.FromMinutes(1);
            o.OnRefreshingPrincipal = context =>
            {
                if (context.CurrentPrincipal?.FindFirst(SignInSessions.ClaimType) is { } session && context.NewPrincipal?.Identity is System.Security.Claims.ClaimsIdentity identity)
                {
                    identity.AddClaim(new System.Security.Claims.Claim(session.Type, session.Value));
                }

                return Task.CompletedTask;
            };
        });

        services.AddMemoryCache();
        services.AddScoped<SignInSessions>();
        services.ConfigureApplicationCookie(o =>
        {
            ConfigureCookie(o, "ribalta.staff", "/login", "/access-denied", StaffSessionLifetime);
            SessionCookieEvents.Attach(o, SignInSessions.Staff, System.Security.Claims.ClaimTypes.NameIdentifier);
        });
        // Staff sign in with the Identity cookie; integrations present an API key. A request is read as one or the other
        // by whether it carries a key, so every staff policy serves both.
        services.AddScoped<ApiKeyService>();
        services.AddAuthentication(o =>
            {
                o.DefaultAuthenticateScheme = StaffOrKeyScheme;
                o.DefaultChallengeScheme = StaffOrKeyScheme;
                o.DefaultForbidScheme = StaffOrKeyScheme;
            })
            .AddPolicyScheme(StaffOrKeyScheme, "Staff cookie or API key", o => o.ForwardDefaultSelector = context =>
                ApiKeyAuthenticationHandler.Presents(context.Request) ? ApiKeyAuthenticationHandler.SchemeName : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddCookie(Policies.CustomerScheme, o =>
            {
                ConfigureCookie(o, "ribalta.customer", "/portal/sign-in", "/portal/sign-in", CustomerSessionLifetime);
                SessionCookieEvents.Attach(o, SignInSessions.Customer, Actor.CustomerIdClaim);
            });

        // Integration keys take part through roles that follow their scopes: read (every key) where any staff may
        // look, write where front-line work happens, admin where settings change; a read-only key never writes.
        const string Read = ApiKeyAuthenticationHandler.ReadRole, Write = ApiKeyAuthenticationHandler.WriteRole, Admin = ApiKeyAuthenticationHandler.AdminRole;
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Staff, p => Scoped(p.RequireAuthenticatedUser().RequireRole([.. StaffRoles.All, Read])))
            .AddPolicy(Policies.CustomersWrite, p => Scoped(p.RequireRole(StaffRoles.Frontline, StaffRoles.TeamLead, StaffRoles.Manager, StaffRoles.Admin, Write, Admin)))
            .AddPolicy(Policies.CustomersManage, p => Scoped(p.RequireRole(StaffRoles.TeamLead, StaffRoles.Manager, StaffRoles.Admin, Admin)))
            .AddPolicy(Policies.CasesWork, p => Scoped(p.RequireRole([.. StaffRoles.WorkCases, Write, Admin])))
            .AddPolicy(Policies.CasesManage, p => Scoped(p.RequireRole(StaffRoles.TeamLead, StaffRoles.Manager, StaffRoles.Admin, Admin)))
            // People, keys and webhooks are managed by people only: a leaked key must not be able to mint its successors.
            .AddPolicy(Policies.StaffAdmin, p => Scoped(p.RequireRole(StaffRoles.Admin)))
            .AddPolicy(Policies.AuditRead, p => Scoped(p.RequireRole(StaffRoles.Admin, Admin)))
            // How the organisation is doing, for the people who lead it; a read key feeds a BI tool.
            .AddPolicy(Policies.InsightsRead, p => Scoped(p.RequireRole(StaffRoles.TeamLead, StaffRoles.Manager, StaffRoles.Executive, StaffRoles.Admin, Read)))
            .AddPolicy(Policies.Customer, p => p
                .AddAuthenticationSchemes(Policies.CustomerScheme)
                .RequireAuthenticatedUser()
                .RequireClaim(Actor.CustomerIdClaim));

        services.AddSingleton<SetupGate>();
        services.AddScoped<StaffDirectory>();
        services.AddScoped<StaffInvitations>();
        services.AddScoped<FirstRunSetup>();
        services.AddScoped<StaffAccess>();
        services.AddScoped<StaffDepartments>();
        return services;
    }

    public const string StaffOrKeyScheme = "StaffOrKey";

    /// <summary>Sliding lifetimes of the sign-in cookies: a working day for staff, two weeks for customers.</summary>
    public static readonly TimeSpan StaffSessionLifetime = TimeSpan.FromHours(10);

    public static readonly TimeSpan CustomerSessionLifetime = TimeSpan.FromDays(14);

    private static AuthorizationPolicyBuilder Scoped(AuthorizationPolicyBuilder policy) => policy.AddRequirements(ApiKeyScopeRequirement.Instance);

    /// <summary>HTTP-only, SameSite=Lax, Secure over HTTPS, sliding; API callers get status codes instead of redirects.</summary>
    private static void ConfigureCookie(CookieAuthenticationOptions o, string name, string loginPath, string deniedPath, TimeSpan lifetime)
    {
        o.Cookie.Name = name;
        o.Cookie.HttpOnly = true;
        o.Cookie.SameSite = SameSiteMode.Lax;
        o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        o.LoginPath = loginPath;
        o.AccessDeniedPath = deniedPath;
        o.ExpireTimeSpan = lifetime;
        o.SlidingExpiration = true;
        o.Events.OnRedirectToLogin = ApiAware(StatusCodes.Status401Unauthorized);
        o.Events.OnRedirectToAccessDenied = ApiAware(StatusCodes.Status403Forbidden);
    }

    /// <summary>Browsers are sent to the sign-in page; API callers get a status code they can act on.</summary>
    private static Func<Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions>, Task> ApiAware(int status) => context =>
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    };
}
