using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Integrations;
using Ribalta.Tests.Infrastructure;

namespace Ribalta.Tests.Integration.Platform;

/// <summary>A member of staff of the test's own, signed in: their client, and who they are.</summary>
public sealed record StaffMember(HttpClient Client, Guid Id, string Name, string Email)
{
    public void Deconstruct(out HttpClient client, out Guid id, out string name) => (client, id, name) = (Client, Id, Name);

    public void Deconstruct(out HttpClient client, out Guid id) => (client, id) = (Client, Id);
}

/// <summary>What a test sets up on the platform through the API: people, teams, integration keys.</summary>
public static class PlatformSteps
{
    /// <summary>
    /// A new member of staff with one role (in <paramref name="department"/> and preferring <paramref name="language"/> when
    /// given), signed in: for a test that needs a person no other test uses (a name to mention, a budget or a queue of
    /// their own), where <see cref="RibaltaApp.AsStaff"/> shares one person per role set.
    /// </summary>
    public static async Task<StaffMember> NewStaffAsync(this RibaltaApp app, string role, Guid? department = null, string? name = null, string? language = null)
    {
        name ??= $"{role} {Api.Unique()}";
        var email = $"{Api.Unique(role.ToLowerInvariant())}@staff.test";
        var user = await app.CreateStaffAsync(email, name, [role], language);
        if (department is { } team)
        {
            await (await app.AsAdmin()).JoinDepartmentAsync(user.Id, team);
        }

        return new StaffMember(await app.SignInAsync(email, RibaltaApp.Password), user.Id, name, email);
    }

    /// <summary>A new department (a team), named <paramref name="prefix"/> and a unique value; its id.</summary>
    public static async Task<Guid> CreateDepartmentAsync(this HttpClient admin, string prefix = "Team")
    {
        var response = await admin.PostAsJsonAsync("/api/v1/departments", new { name = $"{prefix} {Api.Unique()}" }, Api.Json);
        return (await response.ReadExpectedAsync<DepartmentDto>(HttpStatusCode.OK, "Create department")).Id;
    }

    /// <summary>Puts a member of staff in a department, as an administrator does.</summary>
    public static async Task JoinDepartmentAsync(this HttpClient admin, Guid staffId, Guid department) =>
        await (await admin.PutAsJsonAsync($"/api/v1/staff/{staffId}/department", new StaffDepartmentInput(department), Api.Json))
            .ExpectAsync(HttpStatusCode.OK, "Join department");

    /// <summary>A new integration key with these scopes (<c>read</c>, <c>write</c>, <c>admin</c>); its secret is in <see cref="ApiKeyCreated.Key"/>, shown this once.</summary>
    public static async Task<ApiKeyCreated> CreateApiKeyAsync(this HttpClient admin, string name, string[] scopes, int? expiresInDays = null)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name, scopes, expiresInDays }, Api.Json);
        return await response.ReadExpectedAsync<ApiKeyCreated>(HttpStatusCode.Created, "Create API key");
    }

    /// <summary>
    /// A client that sends <paramref name="key"/> on every request, as a bearer token or in <c>X-Api-Key</c>, keeps no
    /// cookies and follows no redirects: what it is answered is what the key gets.
    /// </summary>
    public static HttpClient WithApiKey(this RibaltaApp app, string key, bool bearer = true)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        if (bearer)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        else
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        return client;
    }
}
