using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Routing;
using Ribalta.Platform.Identity;
using Ribalta.Tests.Infrastructure;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Ribalta.BrowserTests;

/// <summary>
/// An administrator, in Arabic (right to left), sees where each door sends new requests and changes the department for
/// new requests; staff opening a case choose its department or leave it to that default.
/// </summary>
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

    [Fact]
    public async Task Staff_opening_a_case_choose_its_department_or_leave_it_to_the_department_for_new_requests()
    {
        var api = await fixture.DemoApiAsync(StaffRoles.Admin);
        var departments = (await api.GetFromJsonAsync<List<DepartmentDto>>("/api/v1/departments", Api.Json))!;
        var care = departments.Single(d => d.Name == "Customer Care").Id;
        var returns = departments.Single(d => d.Name == "Returns").Id;
        var customer = await api.CreateCustomerAsync(new { displayName = "Rosa Bianchi " + Api.Unique() });
        var page = await fixture.SignInStaffAsync("lead@demo.ribalta.test", "it");

        async Task<long> OpenAsync(string subject, string? department)
        {
            await page.GotoAsync($"{fixture.DemoUrl}/cases/new?customerId={customer.Id}");
            await Expect(page.Locator("main form[data-live]")).ToBeAttachedAsync();
            await page.Locator("#subject").FillAsync(subject);
            await page.Locator("#body").FillAsync("La cliente chiede il reso di un articolo difettoso.");
            if (department is not null)
            {
                await page.Locator("#department").SelectOptionAsync(new SelectOptionValue { Label = department });
            }

            await page.Locator("main form button[type=submit]").ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex(@"/cases/\d+$"));
            return long.Parse(page.Url.Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);
        }

        var chosen = await OpenAsync("Reso di un articolo difettoso", "Returns");
        var left = await OpenAsync("Richiesta di informazioni", null);
        Assert.Equal(returns, (await api.GetFromJsonAsync<CaseDetails>($"/api/v1/cases/{chosen}", Api.Json))!.DepartmentId);
        Assert.Equal(care, (await api.GetFromJsonAsync<CaseDetails>($"/api/v1/cases/{left}", Api.Json))!.DepartmentId);
    }
}
