using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Ribalta.Channels.Chat;
using Ribalta.Customers.PortalAccess;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Localization;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Ribalta.BrowserTests;

/// <summary>
/// Every page a person reaches, in English and in Arabic (right to left), checked with axe-core: no critical or serious
/// violation anywhere. Each role signs in once per language; the language is chosen with the culture cookie, so the
/// demo people keep the preference other tests rely on. The walk must cover every <c>@page</c> route of the app.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Suite", "Browser")]
public sealed class AccessibilityTests(BrowserFixture fixture) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => fixture.CloseContextsAsync();

    [Theory]
    [InlineData("en")]
    [InlineData("ar")]
    public async Task Every_page_has_no_critical_or_serious_accessibility_violation(string language)
    {
        var audit = new AxeAudit(language);
        var tag = Guid.NewGuid().ToString("N")[..6];

        var (customerId, caseId) = await CustomerAsync(audit, tag);
        await SignedOutAsync(audit);
        await FrontlineAsync(audit, tag, customerId, caseId);
        await ManagersAsync(audit);
        await OtherRolesAsync(audit, caseId);
        await AdminAsync(audit);

        audit.AssertClean();
    }

    /// <summary>A context in the audit's language, by the culture cookie (what the language picker sets).</summary>
    private async Task<IPage> PageInAsync(string language, IPage? signedIn = null)
    {
        var page = signedIn ?? await fixture.NewPageAsync(language == "ar" ? "ar" : "en-GB");
        await page.Context.AddCookiesAsync([new Cookie
        {
            Name = SupportedCultures.CookieName,
            Value = $"c={language}|uic={language}",
            Url = fixture.DemoUrl + "/",
        }]);
        return page;
    }

    /// <summary>Signs a demo person in (once) and switches the context's language without touching their preference.</summary>
    private async Task<IPage> StaffAsync(string email, string language) =>
        await PageInAsync(language, await fixture.SignInStaffAsync(email, thenLanguage: null));

    /// <summary>The portal: sign-in link, home, a new request, the request, the list. Returns the customer and the case.</summary>
    private async Task<(Guid Customer, long Case)> CustomerAsync(AxeAudit audit, string tag)
    {
        var customer = await fixture.Demo.WithServices(async sp =>
        {
            var create = sp.GetRequiredService<Ribalta.Customers.CreateCustomer.CreateCustomerHandler>();
            return (await create.HandleAsync(Actor.System, new Ribalta.Customers.Domain.CustomerInput($"Axe Customer {tag}", audit.Language), default)).Value;
        });
        var token = await fixture.Demo.WithServices(async sp => (await sp.GetRequiredService<PortalLinks>().IssueAsync(Actor.System, customer.Id, default)).Value.Token);

        var page = await PageInAsync(audit.Language);
        await audit.VisitAsync(page, "/portal/sign-in/{Token}", $"{fixture.DemoUrl}/portal/sign-in/{token}", "a customer with a link");
        await page.Locator("form button[type=submit]").Last.ClickAsync();
        await Expect(page).ToHaveURLAsync($"{fixture.DemoUrl}/portal");
        await audit.CheckAsync(page, "/portal", "a customer");

        await audit.VisitAsync(page, "/portal/cases/new", $"{fixture.DemoUrl}/portal/cases/new", "a customer");
        await page.Locator("#subject").FillAsync($"Axe request {tag}");
        await page.Locator("#body").FillAsync("The parcel arrived open and one item is missing.");
        await page.Locator("form[enctype='multipart/form-data'] button[type=submit]").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"Axe request {tag}");
        var caseId = long.Parse(new Uri(page.Url).Segments[^1], System.Globalization.CultureInfo.InvariantCulture);
        await audit.CheckAsync(page, "/portal/cases/{Id:long}", "a customer");
        await audit.VisitAsync(page, "/portal/cases", $"{fixture.DemoUrl}/portal/cases", "a customer");
        return (customer.Id, caseId);
    }

    /// <summary>Pages for people not signed in: staff sign-in and its second step, the portal's sign-in, invitation, first run.</summary>
    private async Task SignedOutAsync(AxeAudit audit)
    {
        var page = await PageInAsync(audit.Language);
        await audit.VisitAsync(page, "/login", $"{fixture.DemoUrl}/login", "nobody");
        await audit.VisitAsync(page, "/login/two-factor", $"{fixture.DemoUrl}/login/two-factor", "nobody");
        await audit.VisitAsync(page, "/portal/sign-in", $"{fixture.DemoUrl}/portal/sign-in", "nobody");
        await audit.VisitAsync(page, "/not-found", $"{fixture.DemoUrl}/not-found", "nobody");

        var invitation = await fixture.Demo.WithServices(async sp => (await sp.GetRequiredService<StaffInvitations>()
            .InviteAsync(Actor.System, $"invited-{Guid.NewGuid():N}@staff.test", "Invited Person", [StaffRoles.Frontline], default)).Value.Token);
        await audit.VisitAsync(page, "/invitation/{Token}", $"{fixture.DemoUrl}/invitation/{invitation}", "an invited person");

        // The first-run page, on the empty installation (cookies are per host, so the language cookie holds there too).
        var setup = fixture.Empty.Services.GetRequiredService<SetupGate>().Open();
        await audit.VisitAsync(page, "/setup", $"{fixture.EmptyUrl}/setup?token={setup}", "the first administrator");
    }

    /// <summary>A frontline agent: workspace, inbox, a case, search, promises, help, kindness, customers, account.</summary>
    private async Task FrontlineAsync(AxeAudit audit, string tag, Guid customerId, long caseId)
    {
        const string who = "a frontline agent";
        var page = await StaffAsync("agente@demo.ribalta.test", audit.Language);
        var url = fixture.DemoUrl;
        await audit.VisitAsync(page, "/", $"{url}/", who);
        await page.Locator("button[data-shortcuts-open]").ClickAsync();
        await Expect(page.Locator("dialog#shortcuts-help")).ToBeVisibleAsync();
        await audit.CheckAsync(page, "/ with the shortcuts dialog open", who);
        await audit.VisitAsync(page, "/cases", $"{url}/cases?view=Unassigned", who);
        await audit.VisitAsync(page, "/cases/{Id:long}", $"{url}/cases/{caseId}", who);
        await audit.VisitAsync(page, "/cases/new", $"{url}/cases/new", who);
        await audit.VisitAsync(page, "/search", $"{url}/search?q={tag}", who);
        await audit.VisitAsync(page, "/promises", $"{url}/promises", who);
        await audit.VisitAsync(page, "/help", $"{url}/help", who);
        await audit.VisitAsync(page, "/kindness", $"{url}/kindness", who);
        await audit.VisitAsync(page, "/social/import", $"{url}/social/import", who);
        await audit.VisitAsync(page, "/customers", $"{url}/customers", who);
        await audit.VisitAsync(page, "/customers/{Id:guid}", $"{url}/customers/{customerId}", who);
        await audit.VisitAsync(page, "/customers/{Id:guid}/edit", $"{url}/customers/{customerId}/edit", who);
        await audit.VisitAsync(page, "/customers/new", $"{url}/customers/new", who);
        await audit.VisitAsync(page, "/account", $"{url}/account", who);
        await audit.VisitAsync(page, "/account/notifications", $"{url}/account/notifications", who);

        // Notifications: the page, and the bell open over it with an unread one in the list.
        await NotifyAsync("agente@demo.ribalta.test", caseId);
        await audit.VisitAsync(page, "/notifications", $"{url}/notifications", who);
        await page.Locator("details.bell > summary").ClickAsync();
        await Expect(page.Locator("details.bell li.unread").First).ToBeVisibleAsync();
        await audit.CheckAsync(page, "/notifications with the bell open", who);
        await page.Keyboard.PressAsync("Escape");
        await audit.VisitAsync(page, "/access-denied", $"{url}/admin/staff", who);
        await audit.VisitAsync(page, "/not-found", $"{url}/not-found", who);
        await audit.VisitAsync(page, "/cases/{Id:long}", $"{url}/cases/999999999", who + ", on a case that does not exist");
    }

    /// <summary>An unread notification for this person, as a colleague's mention would leave.</summary>
    private Task NotifyAsync(string email, long caseId) => fixture.Demo.WithServices(async sp =>
    {
        var db = sp.GetRequiredService<Ribalta.Platform.Data.RibaltaDbContext>();
        var person = db.Users.Single(u => u.Email == email).Id;
        var number = caseId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await sp.GetRequiredService<Ribalta.Platform.Notifications.INotifier>().NotifyAsync(db, Actor.System, Ribalta.Platform.Notifications.NotificationRecipients.Person(person),
            new Ribalta.Platform.Notifications.NotificationDraft("case.mentioned", "Notification.Mentioned", ["Sam Whitaker", number, "Axe"], $"/cases/{number}", "case", number, $"axe:{Guid.NewGuid():N}", caseId), default);
        return await db.SaveChangesAsync();
    });

    /// <summary>The team lead and the manager: their home, the help they decide, grants (envelopes), team settings.</summary>
    private async Task ManagersAsync(AxeAudit audit)
    {
        var url = fixture.DemoUrl;
        const string lead = "a team lead";
        var page = await StaffAsync("lead@demo.ribalta.test", audit.Language);
        await audit.VisitAsync(page, "/", $"{url}/", lead);
        await audit.VisitAsync(page, "/help", $"{url}/help", lead);
        await audit.VisitAsync(page, "/promises", $"{url}/promises", lead);
        await audit.VisitAsync(page, "/canned-replies", $"{url}/canned-replies", lead);
        await audit.VisitAsync(page, "/settings/targets", $"{url}/settings/targets", lead);
        await audit.VisitAsync(page, "/settings/envelopes", $"{url}/settings/envelopes", lead);
        await audit.VisitAsync(page, "/segments", $"{url}/segments", lead);
        await audit.VisitAsync(page, "/customers/import", $"{url}/customers/import", lead);

        const string manager = "a manager";
        page = await StaffAsync("manager@demo.ribalta.test", audit.Language);
        await audit.VisitAsync(page, "/", $"{url}/", manager);
        await audit.VisitAsync(page, "/help", $"{url}/help", manager);
        await audit.VisitAsync(page, "/settings/envelopes", $"{url}/settings/envelopes", manager);
    }

    /// <summary>A department's answerer and an executive (who reads but does not work cases).</summary>
    private async Task OtherRolesAsync(AxeAudit audit, long caseId)
    {
        var url = fixture.DemoUrl;
        const string department = "a department";
        var page = await StaffAsync("billing@demo.ribalta.test", audit.Language);
        await audit.VisitAsync(page, "/", $"{url}/", department);
        await audit.VisitAsync(page, "/help", $"{url}/help", department);

        const string executive = "an executive";
        page = await StaffAsync("exec@demo.ribalta.test", audit.Language);
        await audit.VisitAsync(page, "/", $"{url}/", executive);
        await audit.VisitAsync(page, "/cases", $"{url}/cases", executive);
        await audit.VisitAsync(page, "/cases/{Id:long}", $"{url}/cases/{caseId}", executive);
    }

    /// <summary>Every admin page, and the chat widget (closed and open) on its preview page.</summary>
    private async Task AdminAsync(AxeAudit audit)
    {
        var url = fixture.DemoUrl;
        const string admin = "an admin";
        var page = await StaffAsync("admin@demo.ribalta.test", audit.Language);
        foreach (var route in new[] { "/admin/staff", "/admin/audit", "/admin/api-keys", "/admin/webhooks", "/admin/mailboxes", "/admin/routing", "/admin/chat", "/admin/jobs" })
        {
            await audit.VisitAsync(page, route, url + route, admin);
        }

        // The top bar's menus, open: settings, the person's own, the languages.
        foreach (var menu in new[] { "settings-menu", "session", "languages" })
        {
            await page.Locator($"details.{menu} > summary").ClickAsync();
            await Expect(page.Locator($"details.{menu} .menu-panel")).ToBeVisibleAsync();
            await audit.CheckAsync(page, $"top-bar menu {menu} (open)", admin);
            await page.Keyboard.PressAsync("Escape");
        }

        var widget = await fixture.Demo.WithServices(async sp => (await sp.GetRequiredService<ChatWidgetService>()
            .CreateAsync(Actor.System, new ChatWidgetInput($"Axe {Guid.NewGuid():N}"[..12], []), default)).Value);
        await audit.VisitAsync(page, "chat widget (closed)", $"{url}/chat/preview/{widget.Key}", admin);
        var launcher = page.Locator("#ribalta-chat button.launcher");
        await launcher.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog)).ToBeVisibleAsync();
        await Expect(page.Locator("#ribalta-chat form textarea")).ToBeVisibleAsync();
        await audit.CheckAsync(page, "chat widget (open)", admin);
    }
}
