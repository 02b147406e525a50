using System.Net.Http.Json;
using Microsoft.Playwright;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Jobs;
using Ribalta.Tests.Infrastructure;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Ribalta.BrowserTests;

/// <summary>An administrator, in Arabic (right to left), reads the background jobs in words and runs one now.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Suite", "Browser")]
public sealed class JobsTests(BrowserFixture fixture) : IAsyncLifetime
{
    private const string Sessions = "identity.forget_sessions";

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => fixture.CloseContextsAsync();

    [Fact]
    public async Task An_admin_sees_the_jobs_in_arabic_and_runs_one_now()
    {
        var api = await fixture.DemoApiAsync(StaffRoles.Admin);
        var before = await RunsAsync(api);

        var page = await fixture.SignInStaffAsync("admin@demo.ribalta.test", "ar");
        await page.GotoAsync($"{fixture.DemoUrl}/admin/jobs");
        await Expect(page.Locator("table.jobs[data-live]")).ToBeAttachedAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("dir", "rtl");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("المهام الخلفية");

        var row = page.Locator($"tr[data-job='{Sessions}']");
        await Expect(row).ToContainTextAsync("حذف جلسات الدخول المنتهية");
        await Expect(row).ToContainTextAsync("1 ساعة");
        await Expect(page.Locator("tr[data-job='promises.break_due']")).ToContainTextAsync("وسم الوعود التي فات موعدها بأنها لم تُنفَّذ");

        await row.Locator("button.run-now").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("ستعمل «حذف جلسات الدخول المنتهية» خلال ثانية.");

        // It ran: the API counts one more run, and so does the page once refreshed.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        int after;
        while ((after = await RunsAsync(api)) <= before)
        {
            Assert.True(DateTime.UtcNow < deadline, "the job did not run within 20 s of \"run now\"");
            await Task.Delay(100);
        }

        await page.Locator("section[aria-labelledby=jobs-heading] button.link").ClickAsync();
        await Expect(row).ToContainTextAsync($"{after} (فشل منها 0)");
        await Expect(row.Locator(".job-state")).ToContainTextAsync("تعمل");
    }

    private static async Task<int> RunsAsync(HttpClient api) =>
        (await api.GetFromJsonAsync<List<JobDto>>("/api/v1/jobs", Api.Json))!.Single(j => j.Name == Sessions).Runs;
}
