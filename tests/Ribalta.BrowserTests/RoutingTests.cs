using System.Net.Http.Json;
using Microsoft.Playwright;
using Ribalta.Cases.Routing;
using Ribalta.Platform.Identity;
using Ribalta.Tests.Infrastructure;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Ribalta.BrowserTests;

/// <summary>An administrator, in Arabic (right to left), sees where each door sends new requests and changes the department for new requests.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Suite", "Browser")]
public sealed class RoutingTests(BrowserFixture fixture) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => fixture.CloseContextsAsync();

    [Fact]
    public async Task An_admin_sends_new_requests_to_another_department_and_the_doors_show_it()
    {
        var api = await fixture.DemoApiAsync(StaffRoles.Admin);
        var departments = (await api.GetFromJsonAsync<List<DepartmentDto>>("/api/v1/departments", Api.Json))!;
        var care = departments.Single(d => d.Name == "Customer Care").Id;
        var returns = departments.Single(d => d.Name == "Returns").Id;
        try
        {
            var page = await fixture.SignInStaffAsync("admin@demo.ribalta.test", "ar");
            await page.GotoAsync($"{fixture.DemoUrl}/admin/routing");
            await Expect(page.Locator("form.routing-form[data-live]")).ToBeAttachedAsync();
            await Expect(page.Locator("html")).ToHaveAttributeAsync("dir", "rtl");

            // The demo sends new requests to Customer Care: the portal, and its chat widget (which names it too).
            await Expect(page.Locator("#routing-department")).ToHaveValueAsync(care.ToString());
            await Expect(page.Locator("tr[data-door=portal]")).ToContainTextAsync("Customer Care");

            await page.Locator("#routing-department").SelectOptionAsync(new SelectOptionValue { Label = "Returns" });
            await page.Locator("form.routing-form button[type=submit]").ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("تذهب الطلبات الجديدة الآن إلى Returns");
            await Expect(page.Locator("tr[data-door=portal]")).ToContainTextAsync("Returns");
            await Expect(page.Locator("tr[data-door=staff]")).ToContainTextAsync("Returns");

            // Saved for good: the API and a fresh page say the same.
            Assert.Equal(returns, (await api.GetFromJsonAsync<RoutingDto>("/api/v1/routing", Api.Json))!.DefaultDepartmentId);
            await page.ReloadAsync();
            await Expect(page.Locator("form.routing-form[data-live]")).ToBeAttachedAsync();
            await Expect(page.Locator("#routing-department")).ToHaveValueAsync(returns.ToString());
        }
        finally
        {
            (await api.PutAsJsonAsync("/api/v1/routing", new RoutingInput(care), Api.Json)).EnsureSuccessStatusCode();
        }
    }
}
