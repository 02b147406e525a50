using System.Net.Http.Json;
using Microsoft.Playwright;
using Ribalta.Platform.Identity;
using Ribalta.Tests.Infrastructure;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Ribalta.BrowserTests;

/// <summary>
/// Planned kindness, end to end in Arabic (right to left): on a customer's page an agent notes an important moment and
/// plans flowers paid from the team's budget; marked done, the gesture is in the team's recognition feed.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Suite", "Browser")]
public sealed class KindnessTests(BrowserFixture fixture) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => fixture.CloseContextsAsync();

    [Fact]
    public async Task An_agent_plans_flowers_for_a_customer_and_the_done_gesture_reaches_the_recognition_feed_in_arabic()
    {
        using var api = await fixture.DemoApiAsync(StaffRoles.Frontline);
        var name = "سلمى " + Guid.NewGuid().ToString("N")[..6];
        var customer = await api.CreateCustomerAsync(new { displayName = name, preferredLanguage = "ar" });

        // The Arabic-speaking demo agent is in Customer Care, whose demo budget is 200 EUR a month.
        var agent = await fixture.SignInStaffAsync("wakeel@demo.ribalta.test", "ar");
        await agent.GotoAsync($"{fixture.DemoUrl}/customers/{customer.Id}");
        await Expect(agent.Locator("html")).ToHaveAttributeAsync("dir", "rtl");
        var panel = agent.Locator("aside.kindness-panel");
        await Expect(panel.Locator("form.gesture-form button[type=submit]")).ToBeEnabledAsync();

        await panel.GetByLabel("اللحظة (زفاف، عملية جراحية، ذكرى سنوية)").FillAsync("زفاف ابنتها");
        await panel.Locator($"#moment-date-{customer.Id}").FillAsync(DateTime.UtcNow.AddDays(20).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await panel.GetByRole(AriaRole.Button, new() { Name = "تذكّرها" }).ClickAsync();
        await Expect(panel.Locator("li.moment")).ToContainTextAsync("زفاف ابنتها");

        await panel.Locator($"#gesture-kind-{customer.Id}").SelectOptionAsync("Flowers");
        await panel.GetByLabel("ماذا، ولماذا").FillAsync("باقة ورد بعد التأخير الثالث");
        await panel.GetByLabel("التكلفة (اختياري)").FillAsync("30");
        await panel.GetByRole(AriaRole.Button, new() { Name = "خطط للفتة" }).ClickAsync();
        var gesture = panel.Locator("li.gesture", new() { HasText = "باقة ورد" });
        await Expect(gesture).ToHaveAttributeAsync("data-status", "Planned");

        await gesture.GetByPlaceholder("ما الذي حدث (اختياري)").FillAsync("اتصلت لتشكرنا");
        await gesture.GetByRole(AriaRole.Button, new() { Name = "تم" }).ClickAsync();
        await Expect(gesture).ToHaveAttributeAsync("data-status", "Done");

        await agent.GotoAsync($"{fixture.DemoUrl}/kindness?tab=feed");
        var feed = agent.Locator(".recognition-feed li", new() { HasText = name });
        await Expect(feed).ToContainTextAsync("باقة ورد بعد التأخير الثالث");
        await Expect(feed).ToContainTextAsync("اتصلت لتشكرنا");
    }
}
