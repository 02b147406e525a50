using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Ribalta.Cases.OpenCase;
using Ribalta.Platform.Events;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Ribalta.BrowserTests;

/// <summary>
/// The workspace's frame in every language: the top bar on one row with every menu item in sight, and the case
/// sidebar holding its words. Spanish and Italian labels run a third longer than English, Arabic mirrors.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Suite", "Browser")]
public sealed class LayoutTests(BrowserFixture fixture) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => fixture.CloseContextsAsync();

    // Elements inside a sidebar card that stick out of it, or whose own text is wider than their box.
    private const string Overflowing = """
        () => {
          const found = [];
          for (const card of document.querySelectorAll('aside.card')) {
            const edge = card.getBoundingClientRect();
            for (const el of card.querySelectorAll('*')) {
              const box = el.getBoundingClientRect();
              if (box.width === 0) continue;
              if (box.right > edge.right + 0.5 || box.left < edge.left - 0.5 || (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1))
                found.push(`${card.className} > ${el.tagName.toLowerCase()}.${el.className} "${(el.textContent || '').trim().slice(0, 40)}"`);
            }
          }
          return found;
        }
        """;

    [Theory]
    [InlineData("en")]
    [InlineData("it")]
    [InlineData("es")]
    [InlineData("ar")]
    public async Task The_administrators_top_bar_is_one_row_at_1400_pixels_with_every_item_in_sight(string language)
    {
        var page = await fixture.SignInStaffAsync("admin@demo.ribalta.test", language);
        await page.SetViewportSizeAsync(1400, 900);

        var brand = (await page.Locator(".topbar .brand").BoundingBoxAsync())!;
        var languages = (await page.Locator(".topbar .languages").BoundingBoxAsync())!;
        var bar = (await page.Locator(".topbar").BoundingBoxAsync())!;
        Assert.True(bar.Height < 70, $"top bar {bar.Height} px high in {language}: more than one row");
        Assert.True(Math.Abs(brand.Y + brand.Height / 2 - (languages.Y + languages.Height / 2)) < 8, $"brand and languages on different rows in {language}");

        // Nothing hides behind the menu row's scroll: it is exactly as wide as its items.
        var hidden = await page.Locator("nav.primary").EvaluateAsync<int>("nav => nav.scrollWidth - nav.clientWidth");
        Assert.True(hidden <= 1, $"{hidden} px of the menu hidden in {language}");

        // Settings and administration fold into one menu that opens below the bar, over the page.
        await page.Locator("details.settings-menu > summary").ClickAsync();
        var panel = page.Locator("details.settings-menu .menu-panel");
        await Expect(panel.Locator("a[href='/admin/mailboxes']")).ToBeVisibleAsync();
        Assert.True((await panel.BoundingBoxAsync())!.Y >= bar.Y + bar.Height - 8, "the settings menu opens below the top bar");
    }

    [Theory]
    [InlineData(1400)]
    [InlineData(1280)]
    [InlineData(1024)]
    public async Task The_case_sidebar_holds_its_spanish_words(int width)
    {
        // A new request from a customer with a long name: its targets are running ("vence en 1 d 22 h").
        var caseId = await fixture.Demo.WithServices(async sp =>
        {
            var create = sp.GetRequiredService<Ribalta.Customers.CreateCustomer.CreateCustomerHandler>();
            var customer = (await create.HandleAsync(Actor.System, new Ribalta.Customers.Domain.CustomerInput("María de los Ángeles Fernández-Villaverde", "es"), default)).Value;
            var actor = new Actor(ActorKind.Customer, customer.Id.ToString(), customer.DisplayName);
            return (await sp.GetRequiredService<OpenCaseHandler>().HandleAsync(actor, new OpenCaseRequest(customer.Id, "Devolución de un pedido incompleto", "Faltan dos piezas."), default)).Value.Id;
        });

        var page = await fixture.SignInStaffAsync("lead@demo.ribalta.test", "es");
        await page.SetViewportSizeAsync(width, 900);
        await page.GotoAsync($"{fixture.DemoUrl}/cases/{caseId}");
        await Expect(page.Locator("form.composer[data-live]")).ToBeAttachedAsync();
        await Expect(page.Locator("dl.targets .due").First).ToContainTextAsync("vence en");
        await Expect(page.Locator("aside.properties")).ToBeVisibleAsync();
        await Expect(page.Locator("aside.resolve-panel")).ToBeVisibleAsync();

        var overflowing = await page.EvaluateAsync<string[]>(Overflowing);
        Assert.True(overflowing.Length == 0, $"at {width} px:\n" + string.Join("\n", overflowing));
    }
}
