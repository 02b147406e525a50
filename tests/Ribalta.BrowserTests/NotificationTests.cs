using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Ribalta.Platform.Identity;
using Ribalta.Tests.Infrastructure;
using Ribalta.Tests.Integration.Cases;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Ribalta.BrowserTests;

/// <summary>
/// The bell, in Arabic (right to left): a colleague mentions the signed-in agent, the count goes up without a reload,
/// the list shows the mention, and opening it goes to the case and reads it.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Suite", "Browser")]
public sealed class NotificationTests(BrowserFixture fixture) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => fixture.CloseContextsAsync();

    [Fact]
    public async Task A_mention_rings_the_bell_live_in_arabic_and_opening_it_goes_to_the_case_and_reads_it()
    {
        var colleague = await fixture.DemoApiAsync(StaffRoles.Frontline);
        var page = await fixture.SignInStaffAsync("wakeel@demo.ribalta.test", "ar");
        await page.GotoAsync($"{fixture.DemoUrl}/cases");
        var bell = page.Locator("details.bell");
        await Expect(page.Locator("details.bell[data-live]")).ToBeAttachedAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("dir", "rtl");
        var before = int.Parse((await bell.GetAttributeAsync("data-unread"))!, CultureInfo.InvariantCulture);

        // A colleague mentions her in a note on a case: the bell counts it, on the page she already has open.
        var subject = $"Bell {Guid.NewGuid():N}"[..16];
        var caseId = (await colleague.OpenPhoneCaseAsync("سلمى يوسف", "ar", subject, "وصل الطلب ناقصًا.")).Id;
        Assert.Equal(HttpStatusCode.Created, (await colleague.PostAsJsonAsync($"/api/v1/cases/{caseId}/notes", new { body = "@wakeel هل يمكنك التحقق من الشحنة؟" })).StatusCode);

        await Expect(bell).ToHaveAttributeAsync("data-unread", (before + 1).ToString(CultureInfo.InvariantCulture), new() { Timeout = 15_000 });
        var summary = bell.Locator("summary");
        await Expect(summary).ToHaveAttributeAsync("aria-label", $"الإشعارات، {before + 1} غير مقروءة");

        // Opened from the keyboard, the list shows the mention first, unread, in Arabic.
        await summary.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        var mention = bell.Locator("li.unread").First;
        await Expect(mention).ToBeVisibleAsync();
        await Expect(mention).ToContainTextAsync($"أشار إليك API Frontline في الحالة رقم {caseId}: {subject}");

        // Clicking it goes to the case, and the count drops without a reload.
        await mention.Locator("a").ClickAsync();
        await Expect(page).ToHaveURLAsync($"{fixture.DemoUrl}/cases/{caseId}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(subject);
        await Expect(page.Locator("details.bell")).ToHaveAttributeAsync("data-unread", before.ToString(CultureInfo.InvariantCulture));
        await Expect(page.Locator("details.bell")).Not.ToHaveAttributeAsync("open", "");
    }
}
