using System.Net;
using System.Text.Json;
using Ribalta.Tests.Infrastructure;

namespace Ribalta.Tests.Integration.Customers;

/// <summary>Customers as a test sets them up beyond <see cref="Api.CreateCustomerAsync"/>: on the portal, with a sign-in link staff made.</summary>
public static class CustomerSteps
{
    /// <summary>A sign-in link for the customer, made by staff through the API: its path and query, to open on the test server.</summary>
    public static async Task<string> PortalLinkAsync(this HttpClient staff, Guid customerId)
    {
        var link = await (await staff.PostAsync($"/api/v1/customers/{customerId}/portal-links", null)).ReadExpectedAsync<JsonElement>(HttpStatusCode.OK, "Issue portal link");
        return new Uri(link.GetProperty("url").GetString()!).PathAndQuery;
    }

    /// <summary>A browser of the customer's own (cookies kept, redirects not followed), signed in to the portal with a link a front-line agent made.</summary>
    public static async Task<HttpClient> SignInCustomerAsync(this RibaltaApp app, Guid customerId)
    {
        var link = await (await app.AsFrontline()).PortalLinkAsync(customerId);
        var browser = app.Anonymous();
        await (await browser.SubmitAsync(link, "portal-sign-in")).ExpectAsync(HttpStatusCode.Redirect, "Portal sign-in");
        return browser;
    }
}
