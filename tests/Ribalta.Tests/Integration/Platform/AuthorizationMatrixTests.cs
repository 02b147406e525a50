using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Ribalta.Tests.Infrastructure;
using Ribalta.Tests.Integration.Customers;
using Xunit;

namespace Ribalta.Tests.Integration.Platform;

/// <summary>
/// Every endpoint and page, for every kind of caller: anonymous, a signed-in customer, and each staff role.
/// An endpoint with no row here fails the test, so the matrix grows with the application.
/// </summary>
[Collection(SqliteCollection.Name)]
[Trait("Suite", "Sqlite")]
public sealed class AuthorizationMatrixTests(SqliteAppFixture fixture)
{
    private const string Anonymous = "Anonymous";
    private const string Customer = "Customer";

    private static readonly string[] Callers = [Anonymous, Customer, "Frontline", "TeamLead", "Manager", "Department", "Executive", "Admin"];

    private static readonly string[] Everyone = Callers;
    private static readonly string[] Staff = ["Frontline", "TeamLead", "Manager", "Department", "Executive", "Admin"];
    private static readonly string[] CustomersWrite = ["Frontline", "TeamLead", "Manager", "Admin"];
    private static readonly string[] CustomersManage = ["TeamLead", "Manager", "Admin"];
    private static readonly string[] CasesWork = ["Frontline", "TeamLead", "Manager", "Department", "Admin"];
    private static readonly string[] CasesManage = ["TeamLead", "Manager", "Admin"];
    private static readonly string[] AdminOnly = ["Admin"];
    private static readonly string[] InsightsRead = ["TeamLead", "Manager", "Executive", "Admin"];
    private static readonly string[] CustomerOnly = [Customer];

    /// <summary>The modules rows are listed under; an endpoint mapped outside them (health, OpenAPI) counts as Platform's.</summary>
    private static readonly HashSet<string> Modules = ["Platform", "Customers", "Cases", "Channels", "Empowerment", "Insights"];

    /// <summary>Method, route pattern as the application declares it, who may use it, and whether using it ends the session.</summary>
    private static (string Method, string Pattern, string[] Allowed, bool SignsOut)[] Matrix => [.. ByModule.Values.SelectMany(rows => rows)];

    /// <summary>The rows, one list per module that maps the endpoints (checked by <see cref="Each_row_is_listed_under_the_module_that_maps_it"/>).</summary>
    private static Dictionary<string, (string Method, string Pattern, string[] Allowed, bool SignsOut)[]> ByModule => new()
    {
        ["Platform"] = PlatformRows,
        ["Customers"] = CustomersRows,
        ["Cases"] = CasesRows,
        ["Channels"] = ChannelsRows,
        ["Empowerment"] = EmpowermentRows,
        ["Insights"] = InsightsRows,
    };

    /// <summary>Sign-in, staff, API keys, webhooks, jobs, projections, notifications, the shell.</summary>
    private static readonly (string Method, string Pattern, string[] Allowed, bool SignsOut)[] PlatformRows =
    [
        ("GET", "/health", Everyone, false),
        ("GET", "/openapi/{documentName}.json", Everyone, false),
        ("GET", "/culture/{code}", Everyone, false),
        ("POST", "/api/v1/session", Everyone, false),
        ("DELETE", "/api/v1/session", Staff, true),
        ("DELETE", "/api/v1/session/all", Staff, true),
        ("POST", "/logout", Staff, false),
        ("POST", "/logout/all", Staff, false),
        ("GET", "/api/v1/me", Staff, false),
        ("POST", "/api/v1/setup", Everyone, false),
        ("POST", "/api/v1/invitations/accept", Everyone, false),
        ("GET", "/api/v1/staff", AdminOnly, false),
        ("GET", "/api/v1/api-keys", AdminOnly, false),
        ("GET", "/api/v1/webhooks", AdminOnly, false),
        ("POST", "/api/v1/webhooks", AdminOnly, false),
        ("DELETE", "/api/v1/webhooks/{id:guid}", AdminOnly, false),
        ("GET", "/api/v1/webhooks/{id:guid}/deliveries", AdminOnly, false),
        ("POST", "/api/v1/webhooks/deliveries/{id:long}/replay", AdminOnly, false),
        ("GET", "/api/v1/jobs", AdminOnly, false),
        ("POST", "/api/v1/jobs/{name}/run", AdminOnly, false),
        ("GET", "/api/v1/projections", AdminOnly, false),
        ("POST", "/api/v1/api-keys", AdminOnly, false),
        ("GET", "/chat/hub", Everyone, false),
        ("GET", "/chat/hub/negotiate", Everyone, false),
        ("DELETE", "/api/v1/api-keys/{id:guid}", AdminOnly, false),
        ("POST", "/api/v1/staff/invitations", AdminOnly, false),
        ("DELETE", "/api/v1/staff/invitations/{id:guid}", AdminOnly, false),
        ("PUT", "/api/v1/staff/{id:guid}/roles", AdminOnly, false),
        ("PUT", "/api/v1/staff/{id:guid}/department", AdminOnly, false),
        ("POST", "/api/v1/staff/{id:guid}/deactivate", AdminOnly, false),
        ("POST", "/api/v1/staff/{id:guid}/reactivate", AdminOnly, false),
        ("GET", "/api/v1/audit", AdminOnly, false),
        ("GET", "/api/v1/notifications", Staff, false),
        ("GET", "/api/v1/notifications/unread-count", Staff, false),
        ("POST", "/api/v1/notifications/{id:long}/read", Staff, false),
        ("POST", "/api/v1/notifications/read-all", Staff, false),
        ("GET", "/api/v1/notifications/preferences", Staff, false),
        ("PUT", "/api/v1/notifications/preferences", Staff, false),
        ("GET", "/", Staff, false),
        ("GET", "/not-found", Everyone, false),
        ("GET", "/login", Everyone, false),
        ("GET", "/login/two-factor", Everyone, false),
        ("GET", "/access-denied", Everyone, false),
        ("GET", "/setup", Everyone, false),
        ("GET", "/invitation/{Token}", Everyone, false),
        ("GET", "/account", Staff, false),
        ("GET", "/account/notifications", Staff, false),
        ("GET", "/notifications", Staff, false),
        ("GET", "/admin/staff", AdminOnly, false),
        ("GET", "/admin/api-keys", AdminOnly, false),
        ("GET", "/admin/webhooks", AdminOnly, false),
        ("GET", "/admin/jobs", AdminOnly, false),
        ("GET", "/admin/audit", AdminOnly, false),
        ("GET", "/api/v1/departments", Staff, false),
        ("POST", "/api/v1/departments", AdminOnly, false),
        ("PUT", "/api/v1/departments/{id:guid}", AdminOnly, false),
    ];

    /// <summary>People, their portal access and sign-in.</summary>
    private static readonly (string Method, string Pattern, string[] Allowed, bool SignsOut)[] CustomersRows =
    [
        ("GET", "/api/v1/customers", Staff, false),
        ("POST", "/api/v1/customers", CustomersWrite, false),
        ("GET", "/api/v1/customers/{id:guid}", Staff, false),
        ("PUT", "/api/v1/customers/{id:guid}", CustomersWrite, false),
        ("GET", "/api/v1/customers/{id:guid}/timeline", Staff, false),
        ("POST", "/api/v1/customers/{id:guid}/merge", CustomersManage, false),
        ("POST", "/api/v1/customers/{id:guid}/portal-links", CustomersWrite, false),
        ("POST", "/api/v1/customers/{id:guid}/portal-links/email", CustomersWrite, false),
        ("POST", "/api/v1/customers/import", CustomersManage, false),
        ("GET", "/api/v1/segments", Staff, false),
        ("POST", "/api/v1/segments", CustomersManage, false),
        ("POST", "/portal/sign-out", CustomerOnly, false),
        ("POST", "/portal/sign-out/all", CustomerOnly, false),
        ("GET", "/customers", Staff, false),
        ("GET", "/customers/new", CustomersWrite, false),
        ("GET", "/customers/{Id:guid}", Staff, false),
        ("GET", "/customers/{Id:guid}/edit", CustomersWrite, false),
        ("GET", "/customers/import", CustomersManage, false),
        ("GET", "/segments", CustomersManage, false),
        ("GET", "/portal/sign-in", Everyone, false),
        ("GET", "/portal/sign-in/{Token}", Everyone, false),
        ("GET", "/portal", CustomerOnly, false),
    ];

    /// <summary>Cases, conversations, search, inbox, targets, routing, the portal's requests.</summary>
    private static readonly (string Method, string Pattern, string[] Allowed, bool SignsOut)[] CasesRows =
    [
        ("GET", "/api/v1/routing", AdminOnly, false),
        ("PUT", "/api/v1/routing", AdminOnly, false),
        ("GET", "/api/v1/cases", Staff, false),
        ("GET", "/api/v1/cases/counts", Staff, false),
        ("GET", "/api/v1/saved-filters", Staff, false),
        ("POST", "/api/v1/saved-filters", Staff, false),
        ("DELETE", "/api/v1/saved-filters/{id:guid}", Staff, false),
        ("POST", "/api/v1/cases", CasesWork, false),
        ("GET", "/api/v1/cases/{id:long}", Staff, false),
        ("PATCH", "/api/v1/cases/{id:long}", CasesWork, false),
        ("GET", "/api/v1/cases/{id:long}/messages", Staff, false),
        ("POST", "/api/v1/cases/{id:long}/replies", CasesWork, false),
        ("POST", "/api/v1/cases/{id:long}/notes", CasesWork, false),
        ("POST", "/api/v1/cases/{id:long}/calls", CasesWork, false),
        ("POST", "/api/v1/cases/{id:long}/merge", CasesWork, false),
        ("POST", "/api/v1/cases/{id:long}/mentions/seen", Staff, false),
        ("POST", "/api/v1/cases/{id:long}/links", CasesWork, false),
        ("DELETE", "/api/v1/cases/{id:long}/links/{otherId:long}", CasesWork, false),
        ("GET", "/admin/routing", AdminOnly, false),
        ("GET", "/api/v1/search", Staff, false),
        ("POST", "/api/v1/cases/{id:long}/attachments", CasesWork, false),
        ("GET", "/api/v1/attachments/{id:guid}", Staff, false),
        ("GET", "/portal/attachments/{id:guid}", CustomerOnly, false),
        ("GET", "/api/v1/canned-replies", Staff, false),
        ("POST", "/api/v1/canned-replies", CasesManage, false),
        ("PUT", "/api/v1/canned-replies/{id:guid}", CasesManage, false),
        ("DELETE", "/api/v1/canned-replies/{id:guid}", CasesManage, false),
        ("GET", "/canned-replies", CasesManage, false),
        ("GET", "/api/v1/calendars", Staff, false),
        ("GET", "/api/v1/calendars/organisation", Staff, false),
        ("PUT", "/api/v1/calendars/organisation", CasesManage, false),
        ("GET", "/api/v1/calendars/{id:guid}", Staff, false),
        ("PUT", "/api/v1/calendars/{id:guid}", CasesManage, false),
        ("DELETE", "/api/v1/calendars/{id:guid}", CasesManage, false),
        ("GET", "/api/v1/targets", Staff, false),
        ("PUT", "/api/v1/targets", CasesManage, false),
        ("GET", "/settings/targets", CasesManage, false),
        ("GET", "/search", Staff, false),
        ("GET", "/cases", Staff, false),
        ("GET", "/cases/new", CasesWork, false),
        ("GET", "/cases/{Id:long}", Staff, false),
        ("GET", "/portal/cases", CustomerOnly, false),
        ("GET", "/portal/cases/new", CustomerOnly, false),
        ("GET", "/portal/cases/{Id:long}", CustomerOnly, false),
    ];

    /// <summary>Mailboxes, chat widgets, inbound messages, social mentions.</summary>
    private static readonly (string Method, string Pattern, string[] Allowed, bool SignsOut)[] ChannelsRows =
    [
        ("GET", "/api/v1/mailboxes", AdminOnly, false),
        ("POST", "/api/v1/mailboxes", AdminOnly, false),
        ("GET", "/api/v1/mailboxes/{id:guid}", AdminOnly, false),
        ("PUT", "/api/v1/mailboxes/{id:guid}", AdminOnly, false),
        ("DELETE", "/api/v1/mailboxes/{id:guid}", AdminOnly, false),
        ("POST", "/api/v1/mailboxes/{id:guid}/poll", AdminOnly, false),
        ("GET", "/api/v1/mailboxes/{id:guid}/set-aside", AdminOnly, false),
        ("GET", "/api/v1/mailboxes/{id:guid}/set-aside/{setAsideId:guid}/email", AdminOnly, false),
        ("POST", "/api/v1/mailboxes/{id:guid}/set-aside/{setAsideId:guid}/case", AdminOnly, false),
        ("GET", "/api/v1/chat/widgets", AdminOnly, false),
        ("POST", "/api/v1/chat/widgets", AdminOnly, false),
        ("GET", "/api/v1/chat/widgets/{id:guid}", AdminOnly, false),
        ("PUT", "/api/v1/chat/widgets/{id:guid}", AdminOnly, false),
        ("DELETE", "/api/v1/chat/widgets/{id:guid}", AdminOnly, false),
        ("GET", "/api/v1/cases/{caseId:long}/chat", Staff, false),
        ("GET", "/chat/preview/{key}", Staff, false),
        ("GET", "/chat/widgets/{key}/config", Everyone, false),
        ("GET", "/api/v1/cases/{caseId:long}/messages/{messageId:long}/email", Staff, false),
        ("GET", "/api/v1/cases/{caseId:long}/messages/{messageId:long}/email/html", Staff, false),
        ("POST", "/api/v1/messages", CasesWork, false),
        ("POST", "/api/v1/messages/batch", CasesWork, false),
        ("POST", "/api/v1/social/mentions", CasesWork, false),
        ("GET", "/admin/mailboxes", AdminOnly, false),
        ("GET", "/admin/chat", AdminOnly, false),
        ("GET", "/social/import", CasesWork, false),
    ];

    /// <summary>Envelopes, grants, help, promises, kindness.</summary>
    private static readonly (string Method, string Pattern, string[] Allowed, bool SignsOut)[] EmpowermentRows =
    [
        ("GET", "/api/v1/resolution-options", Staff, false),
        ("POST", "/api/v1/resolution-options", CasesManage, false),
        ("PUT", "/api/v1/resolution-options/{id:guid}", CasesManage, false),
        ("GET", "/api/v1/envelope-rules", Staff, false),
        ("POST", "/api/v1/envelope-rules", CasesManage, false),
        ("PUT", "/api/v1/envelope-rules/{id:guid}", CasesManage, false),
        ("DELETE", "/api/v1/envelope-rules/{id:guid}", CasesManage, false),
        ("GET", "/api/v1/cases/{caseId:long}/resolve", CasesWork, false),
        ("POST", "/api/v1/cases/{caseId:long}/resolutions", CasesWork, false),
        ("GET", "/api/v1/cases/{caseId:long}/grants", Staff, false),
        ("POST", "/api/v1/grants/{id:long}/reverse", CasesManage, false),
        ("GET", "/api/v1/grants/export", CasesManage, false),
        ("GET", "/api/v1/envelopes/usage", CasesManage, false),
        ("GET", "/api/v1/grant-flags", CasesManage, false),
        ("POST", "/api/v1/customers/{customerId:guid}/gestures", CasesWork, false),
        ("GET", "/api/v1/customers/{customerId:guid}/gestures", Staff, false),
        ("POST", "/api/v1/customers/{customerId:guid}/moments", CasesWork, false),
        ("GET", "/api/v1/customers/{customerId:guid}/moments", Staff, false),
        ("GET", "/api/v1/gestures", CasesWork, false),
        ("POST", "/api/v1/gestures/{id:long}/done", CasesWork, false),
        ("POST", "/api/v1/gestures/{id:long}/cancel", CasesWork, false),
        ("DELETE", "/api/v1/moments/{id:long}", CasesWork, false),
        ("GET", "/api/v1/moments/upcoming", CasesWork, false),
        ("GET", "/api/v1/kindness-budgets", Staff, false),
        ("PUT", "/api/v1/kindness-budgets/{departmentId:guid}", CasesManage, false),
        ("POST", "/api/v1/grant-flags/{id:long}/discussed", CasesManage, false),
        ("POST", "/api/v1/cases/{caseId:long}/help-requests", CasesWork, false),
        ("GET", "/api/v1/cases/{caseId:long}/help-requests", Staff, false),
        ("GET", "/api/v1/help-requests", CasesWork, false),
        ("GET", "/api/v1/help-requests/helpers", CasesWork, false),
        ("POST", "/api/v1/help-requests/{id:long}/take", CasesWork, false),
        ("POST", "/api/v1/help-requests/{id:long}/answer", CasesWork, false),
        ("POST", "/api/v1/help-requests/{id:long}/withdraw", CasesWork, false),
        ("GET", "/api/v1/help-requests/report", CasesManage, false),
        ("POST", "/api/v1/cases/{caseId:long}/promises", CasesWork, false),
        ("GET", "/api/v1/cases/{caseId:long}/promises", Staff, false),
        ("GET", "/api/v1/cases/{caseId:long}/promise-sentences", CasesWork, false),
        ("GET", "/api/v1/promises", CasesWork, false),
        ("POST", "/api/v1/promises/{id:long}/keep", CasesWork, false),
        ("POST", "/api/v1/promises/{id:long}/release", CasesWork, false),
        ("GET", "/api/v1/promises/report", CasesManage, false),
        ("GET", "/settings/envelopes", CasesManage, false),
        ("GET", "/help", CasesWork, false),
        ("GET", "/promises", CasesWork, false),
        ("GET", "/kindness", CasesWork, false),
    ];

    /// <summary>Figures from projections.</summary>
    private static readonly (string Method, string Pattern, string[] Allowed, bool SignsOut)[] InsightsRows =
    [
        ("GET", "/api/v1/insights/case-flow", InsightsRead, false),
    ];

    private RibaltaApp App { get; } = fixture.App;

    [Fact]
    public void Each_row_is_listed_under_the_module_that_maps_it()
    {
        var modules = EndpointModules();
        var misplaced = ByModule.SelectMany(m => m.Value.Where(r => modules.TryGetValue((r.Method, r.Pattern), out var owner) && owner != m.Key)
            .Select(r => $"{r.Method} {r.Pattern} (under {m.Key}, mapped by {modules[(r.Method, r.Pattern)]})")).ToList();
        Assert.True(misplaced.Count == 0, "Rows under another module than the one that maps them: " + string.Join(", ", misplaced));
    }

    [Fact]
    public void Every_endpoint_has_a_row()
    {
        var declared = Endpoints();
        var covered = Matrix.Select(r => (r.Method, r.Pattern)).ToHashSet();
        var missing = declared.Where(e => !covered.Contains(e)).Select(e => $"{e.Method} {e.Pattern}").ToList();
        var stale = covered.Where(c => !declared.Contains(c)).Select(e => $"{e.Method} {e.Pattern}").ToList();
        Assert.True(missing.Count == 0, "Endpoints without a row in the authorization matrix: " + string.Join(", ", missing));
        Assert.True(stale.Count == 0, "Rows for endpoints that no longer exist: " + string.Join(", ", stale));
    }

    [Fact]
    public async Task Every_caller_gets_exactly_what_the_matrix_allows()
    {
        var clients = new Dictionary<string, HttpClient>();
        foreach (var caller in Callers)
        {
            clients[caller] = await ClientFor(caller);
        }

        var failures = new List<string>();
        foreach (var row in Matrix.OrderBy(r => r.SignsOut))
        {
            foreach (var caller in Callers)
            {
                using var request = new HttpRequestMessage(new HttpMethod(row.Method), Concrete(row.Pattern));
                if (row.Method is "POST" or "PUT" or "PATCH")
                {
                    request.Content = row.Pattern.EndsWith("/import", StringComparison.Ordinal)
                        ? new StringContent("name\n", Encoding.UTF8, "text/csv")
                        : row.Pattern.EndsWith("/attachments", StringComparison.Ordinal)
                            ? new ByteArrayContent("hello"u8.ToArray()) { Headers = { ContentType = new("application/octet-stream") } }
                            : new StringContent("{}", Encoding.UTF8, "application/json");
                }

                // A row that ends the session gets a session of its own, so the next such row is not already signed out.
                var client = row.SignsOut ? await ClientFor(caller) : clients[caller];
                using var response = await client.SendAsync(request);
                var allowed = row.Allowed.Contains(caller);
                var denied = IsDenied(response);
                if ((int)response.StatusCode >= 500)
                {
                    failures.Add($"{caller} {row.Method} {row.Pattern}: {(int)response.StatusCode}");
                }
                else if (allowed && denied && !ReferenceEquals(row.Allowed, Everyone))
                {
                    failures.Add($"{caller} should be allowed {row.Method} {row.Pattern} but got {(int)response.StatusCode} {response.Headers.Location}");
                }
                else if (!allowed && !denied)
                {
                    failures.Add($"{caller} should be denied {row.Method} {row.Pattern} but got {(int)response.StatusCode}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>
    /// API keys authenticate the REST API only: on every page and every other door outside <c>/api</c>, a key of any
    /// scope (as a bearer token or in <c>X-Api-Key</c>) is answered as if there were no key at all.
    /// </summary>
    [Fact]
    public async Task Api_keys_of_every_scope_open_no_page()
    {
        var admin = await App.AsAdmin();
        var failures = new List<string>();
        foreach (var scopes in new[] { new[] { "read" }, ["read", "write"], ["read", "write", "admin"] })
        {
            var key = (await admin.CreateApiKeyAsync("Matrix " + string.Join('+', scopes), scopes)).Key;
            foreach (var bearer in new[] { true, false })
            {
                var client = App.WithApiKey(key, bearer);
                foreach (var row in Matrix.Where(r => !r.Pattern.StartsWith("/api/", StringComparison.Ordinal) && !ReferenceEquals(r.Allowed, Everyone)))
                {
                    using var request = new HttpRequestMessage(new HttpMethod(row.Method), Concrete(row.Pattern));
                    using var response = await client.SendAsync(request);
                    if (!IsDenied(response))
                    {
                        failures.Add($"{string.Join('+', scopes)} key ({(bearer ? "Bearer" : "X-Api-Key")}) should be denied {row.Method} {row.Pattern} but got {(int)response.StatusCode}");
                    }
                }
            }

            // The same key still works where it belongs.
            using var api = new HttpRequestMessage(HttpMethod.Get, "/api/v1/cases");
            api.Headers.Add("X-Api-Key", key);
            Assert.Equal(HttpStatusCode.OK, (await App.CreateClient().SendAsync(api)).StatusCode);
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private HashSet<(string Method, string Pattern)> Endpoints() => EndpointModules().Keys.ToHashSet();

    /// <summary>
    /// Each endpoint with the module that maps it: the namespace of its handler (a minimal API's method, a page's
    /// component), <c>Platform</c> for the framework's own (health, OpenAPI).
    /// </summary>
    private Dictionary<(string Method, string Pattern), string> EndpointModules()
    {
        var sources = App.Services.GetRequiredService<EndpointDataSource>();
        var result = new Dictionary<(string, string), string>();
        foreach (var endpoint in sources.Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? "").Trim('/');
            if (pattern.StartsWith("/_framework", StringComparison.Ordinal) || pattern.StartsWith("/_blazor", StringComparison.Ordinal) || IsStaticAsset(pattern))
            {
                continue;
            }

            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];

            // A page's POST is its form handler, authorized like its GET; the matrix names the GET.
            if (methods.Contains("GET") && methods.Contains("POST"))
            {
                methods = ["GET"];
            }

            var handler = endpoint.Metadata.OfType<System.Reflection.MethodInfo>().FirstOrDefault()?.DeclaringType
                ?? endpoint.Metadata.OfType<Microsoft.AspNetCore.Components.Endpoints.ComponentTypeMetadata>().FirstOrDefault()?.Type;
            var module = handler?.Namespace?.Split('.') is ["Ribalta", var name, ..] && Modules.Contains(name) ? name : "Platform";
            foreach (var method in methods)
            {
                result[(method, pattern)] = module;
            }
        }

        return result;
    }

    private static bool IsStaticAsset(string pattern)
    {
        var last = pattern[(pattern.LastIndexOf('/') + 1)..];
        if (last == "{**path:file}")
        {
            return true; // static web assets fallback
        }

        return !last.Contains('{', StringComparison.Ordinal) && (last.EndsWith(".css", StringComparison.Ordinal) || last.EndsWith(".js", StringComparison.Ordinal) || last.EndsWith(".gz", StringComparison.Ordinal) || last.EndsWith(".br", StringComparison.Ordinal) || last.EndsWith(".map", StringComparison.Ordinal));
    }

    private static string Concrete(string pattern) => pattern
        .Replace("{documentName}", "v1", StringComparison.Ordinal)
        .Replace("{code}", "en", StringComparison.Ordinal)
        .Replace("{id:guid}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
        .Replace("{id:long}", "999999999", StringComparison.Ordinal)
        .Replace("{Id:long}", "999999999", StringComparison.Ordinal)
        .Replace("{otherId:long}", "999999998", StringComparison.Ordinal)
        .Replace("{caseId:long}", "999999999", StringComparison.Ordinal)
        .Replace("{customerId:guid}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
        .Replace("{departmentId:guid}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
        .Replace("{setAsideId:guid}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
        .Replace("{messageId:long}", "999999997", StringComparison.Ordinal)
        .Replace("{Id:guid}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
        .Replace("{Token}", "not-a-real-token", StringComparison.Ordinal)
        .Replace("{key}", "no-such-widget", StringComparison.Ordinal);

    private static bool IsDenied(HttpResponseMessage response)
    {
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return true;
        }

        var location = response.Headers.Location?.OriginalString ?? "";
        return response.StatusCode == HttpStatusCode.Redirect
            && (location.Contains("/login?", StringComparison.Ordinal) || location.Contains("/access-denied", StringComparison.Ordinal) || location.Contains("/portal/sign-in?", StringComparison.Ordinal));
    }

    private async Task<HttpClient> ClientFor(string caller)
    {
        switch (caller)
        {
            case Anonymous:
                return App.Anonymous();
            case Customer:
                var agent = await App.AsFrontline();
                var customer = await agent.CreateCustomerAsync(new { displayName = "Matrix Customer" });
                return await App.SignInCustomerAsync(customer.Id);
            default:
                return await App.AsStaff(caller);
        }
    }
}
