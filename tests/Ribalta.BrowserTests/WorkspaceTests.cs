using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Ribalta.Platform.Identity;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Ribalta.BrowserTests;

[Collection(BrowserCollection.Name)]
[Trait("Suite", "Browser")]
public sealed class WorkspaceTests(BrowserFixture fixture) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => fixture.CloseContextsAsync();

    private Task<IPage> SignInAsync(string email, string? thenLanguage = "en") => fixture.SignInStaffAsync(email, thenLanguage);

    /// <summary>
    /// Interactive pages are prerendered, and their controls stay disabled until the live circuit is up; typing
    /// into the prerendered copy would be lost, as it would be for a person. Waits for that moment.
    /// </summary>
    private static async Task WaitForCircuitAsync(IPage page)
    {
        await Expect(page.Locator("[data-live]:not(.bell)").First).ToBeAttachedAsync();
    }

    [Fact]
    public async Task The_first_administrator_is_created_with_the_console_link()
    {
        var token = fixture.Empty.Services.GetRequiredService<SetupGate>().Open();
        var page = await fixture.NewPageAsync();

        await page.GotoAsync($"{fixture.EmptyUrl}/setup?token=wrong");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not valid");

        await page.GotoAsync($"{fixture.EmptyUrl}/setup?token={token}");
        await page.GetByLabel("Name").FillAsync("Founding Admin");
        await page.GetByLabel("Email").FillAsync("founder@example.org");
        await page.GetByLabel("Password").FillAsync("too short");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create administrator" }).ClickAsync();
        await Expect(page.GetByText("The password needs at least 12 characters.")).ToBeVisibleAsync();

        await page.GetByLabel("Password").FillAsync("a long and memorable sentence");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create administrator" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Welcome, Founding Admin");
        // Administration lives in the Settings menu: closed at first, open on a click, closed again by Escape.
        var staff = page.GetByRole(AriaRole.Link, new() { Name = "Staff" });
        await Expect(staff).ToBeHiddenAsync();
        await page.GetByText("Settings", new() { Exact = true }).ClickAsync();
        await Expect(staff).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(staff).ToBeHiddenAsync();
        await page.GetByText("Settings", new() { Exact = true }).ClickAsync();
        await staff.ClickAsync();
        await Expect(page).ToHaveURLAsync($"{fixture.EmptyUrl}/admin/staff");
        await Expect(page.Locator("details.settings-menu")).Not.ToHaveAttributeAsync("open", "");
    }

    [Fact]
    public async Task Staff_sign_in_and_repeated_failures_lock_the_account()
    {
        var page = await SignInAsync("lead@demo.ribalta.test", thenLanguage: null);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Welcome, Sam Whitaker");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Customers" }).First).ToBeVisibleAsync();

        // A person who chose Arabic gets the workspace in Arabic wherever they sign in.
        var rana = await SignInAsync("wakeel@demo.ribalta.test", thenLanguage: null);
        await Expect(rana.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("مرحباً، رنا حداد");
        await Expect(rana.Locator("html")).ToHaveAttributeAsync("dir", "rtl");

        // A person of its own, so locking them out disturbs no other test.
        var victim = $"target-{Guid.NewGuid():N}@staff.test";
        await fixture.Demo.CreateStaffAsync(victim, "Target Person", ["Frontline"]);
        var intruder = await fixture.NewPageAsync();
        await intruder.GotoAsync($"{fixture.DemoUrl}/login");
        for (var i = 0; i < 5; i++)
        {
            await intruder.GetByLabel("Email").FillAsync(victim);
            await intruder.GetByLabel("Password").FillAsync($"guess number {i}");
            await intruder.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Expect(intruder.GetByRole(AriaRole.Alert)).ToBeVisibleAsync();
        }

        // Locked: even the right password is refused, with the words a wrong one gets, so nobody learns the address exists.
        await intruder.GetByLabel("Email").FillAsync(victim);
        await intruder.GetByLabel("Password").FillAsync(Ribalta.Tests.Infrastructure.RibaltaApp.Password);
        await intruder.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(intruder.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Sign-in failed: check your email and password. After five failed attempts, sign-in is paused for 15 minutes.");
        await Expect(intruder).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"));
    }

    [Fact]
    public async Task Switching_to_arabic_mirrors_the_page()
    {
        var page = await SignInAsync("agent@demo.ribalta.test");
        await page.Locator("details.languages > summary").ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "العربية" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("مرحباً، Ana Ortega");

        await Expect(page.Locator("html")).ToHaveAttributeAsync("dir", "rtl");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "ar");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "العملاء" }).First).ToBeVisibleAsync();

        // Right-to-left: the brand sits at the right edge, the language picker at the left.
        var brand = (await page.Locator(".brand").BoundingBoxAsync())!;
        var languages = (await page.Locator(".languages").BoundingBoxAsync())!;
        Assert.True(brand.X > 640, $"brand at x={brand.X}");
        Assert.True(languages.X < brand.X, "languages should be left of the brand in RTL");

        await page.GotoAsync($"{fixture.DemoUrl}/customers");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("العملاء");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "ribalta-customers-ar.png"), FullPage = true });
    }

    [Fact]
    public async Task An_agent_creates_a_customer_and_finds_them_without_accents()
    {
        var page = await SignInAsync("agente@demo.ribalta.test");
        await page.GotoAsync($"{fixture.DemoUrl}/customers/new");
        await WaitForCircuitAsync(page);
        var tag = Guid.NewGuid().ToString("N")[..6];

        await page.GetByLabel("Name").FillAsync($"Niccolò Perché {tag}");
        await page.GetByLabel("Language", new() { Exact = true }).SelectOptionAsync("it");
        await page.GetByLabel("Emails").FillAsync($"niccolo.{tag}@esempio.it");
        await page.GetByLabel("Their situation").FillAsync("Vuole essere richiamato dopo le 18.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add customer" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"Niccolò Perché {tag}");
        await Expect(page.GetByText("Customer record created")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Customers" }).First.ClickAsync();
        await WaitForCircuitAsync(page);
        await page.GetByLabel("Search customers").FillAsync($"niccolo perche {tag}");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = $"Niccolò Perché {tag}" })).ToBeVisibleAsync();
        await Expect(page.Locator("table.customers tbody tr")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task Creating_a_customer_with_bad_input_shows_what_to_fix()
    {
        var page = await SignInAsync("agent@demo.ribalta.test");
        await page.GotoAsync($"{fixture.DemoUrl}/customers/new");
        await WaitForCircuitAsync(page);
        await page.GetByLabel("Name").FillAsync("<script>window.hacked=1</script>Mallory");
        await page.GetByLabel("Emails").FillAsync("not-an-email");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add customer" }).ClickAsync();
        await Expect(page.GetByText("\"not-an-email\" is not a valid email address.")).ToBeVisibleAsync();

        await page.GetByLabel("Emails").FillAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add customer" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("<script>window.hacked=1</script>Mallory");
        Assert.Null(await page.EvaluateAsync<int?>("window.hacked"));
    }

    [Fact]
    public async Task Importing_a_file_with_one_bad_row_shows_the_row_and_imports_nothing()
    {
        var page = await SignInAsync("manager@demo.ribalta.test");
        await page.GotoAsync($"{fixture.DemoUrl}/customers/import");
        await WaitForCircuitAsync(page);
        var tag = Guid.NewGuid().ToString("N")[..6];
        var csv = $"name;email;language\nAna {tag};ana.{tag}@ejemplo.es;es\nBad {tag};broken-address;es\nLeila {tag};leila.{tag}@example.ae;ar\n";
        await Expect(page.GetByLabel("CSV file")).ToBeEnabledAsync();
        await page.GetByLabel("CSV file").SetInputFilesAsync(new FilePayload { Name = "customers.csv", MimeType = "text/csv", Buffer = System.Text.Encoding.UTF8.GetBytes(csv) });
        await page.GetByRole(AriaRole.Button, new() { Name = "Check and import" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Nothing was imported" })).ToBeVisibleAsync();
        var row = page.Locator("table.row-errors tbody tr");
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row.Locator("td").First).ToHaveTextAsync("3");
        await Expect(row).ToContainTextAsync("broken-address");

        await page.GotoAsync($"{fixture.DemoUrl}/customers?q={tag}");
        await Expect(page.GetByText(new Regex("No customers found"))).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_manager_gives_a_department_its_own_hours_and_changes_targets_and_the_inbox_shows_time_left()
    {
        var page = await SignInAsync("manager@demo.ribalta.test", "it");
        await page.GotoAsync($"{fixture.DemoUrl}/settings/targets");
        await WaitForCircuitAsync(page);

        var returns = (await page.Locator("#calendar-of option", new() { HasText = "Returns" }).GetAttributeAsync("value"))!;
        await page.Locator("#calendar-of").SelectOptionAsync(returns);
        await Expect(page.GetByText("segue gli orari dell'organizzazione")).ToBeVisibleAsync();
        await page.Locator("table.week tr").Nth(5).Locator("input[type=checkbox]").CheckAsync();
        await page.Locator("#holiday-date").FillAsync("2027-02-01");
        await page.Locator("#holiday-name").FillAsync("Inventario");
        await page.GetByRole(AriaRole.Button, new() { Name = "Aggiungi festività" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Salva orari" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Orari salvati.");

        await page.ReloadAsync();
        await WaitForCircuitAsync(page);
        await page.Locator("#calendar-of").SelectOptionAsync(returns);
        await Expect(page.GetByText("Inventario")).ToBeVisibleAsync();
        await Expect(page.Locator("table.week tr").Nth(5).Locator("input[type=checkbox]")).ToBeCheckedAsync();

        // A target of zero hours is no target: refused with a readable message, nothing saved.
        var firstAnswer = page.Locator("table.targets-table tbody tr").First.Locator("input[type=number]").First;
        await firstAnswer.FillAsync("0");
        await page.Locator("table.targets-table tbody tr").First.Locator("input[type=number]").Nth(1).FillAsync("0");
        await page.GetByRole(AriaRole.Button, new() { Name = "Salva obiettivi" }).ClickAsync();
        await Expect(page.Locator("p.error-text[role=alert]")).ToContainTextAsync("obiettivo");
        await firstAnswer.FillAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Salva obiettivi" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Obiettivi salvati.");

        await page.GotoAsync($"{fixture.DemoUrl}/cases?view=Open");
        await Expect(page.Locator("table.cases time.due").First).ToBeVisibleAsync();
        await Expect(page.Locator(".tabs .count[data-view=Open]")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task An_admin_creates_an_api_key_sees_it_once_and_revoking_it_stops_the_integration()
    {
        var page = await SignInAsync("admin@demo.ribalta.test", "es");
        await page.GotoAsync($"{fixture.DemoUrl}/admin/api-keys");
        await Expect(page.Locator("form.api-key-form[data-live]")).ToBeAttachedAsync();

        // No permission chosen: a readable refusal, nothing created.
        var name = $"Pasarela {Guid.NewGuid().ToString("N")[..6]}";
        await page.Locator("#key-name").FillAsync(name);
        await page.Locator("input[name=scope][value=read]").UncheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Crear clave" }).ClickAsync();
        await Expect(page.Locator("small.error-text[role=alert]")).ToContainTextAsync("al menos un permiso");

        await page.Locator("input[name=scope][value=write]").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Crear clave" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("no se volverá a mostrar");
        var key = await page.Locator("input.new-key").InputValueAsync();
        Assert.StartsWith("rbk_", key);
        var row = page.Locator($"tr[data-key='{key[..12]}']");
        await Expect(row).ToContainTextAsync(name);
        await Expect(row).ToContainTextAsync("Nunca");

        using var integration = new HttpClient { BaseAddress = new Uri(fixture.DemoUrl) };
        integration.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        var message = new { from = new { email = $"{Guid.NewGuid():N}@example.es" }, body = "Hola, mi pedido no ha llegado todavía." };
        Assert.Equal(System.Net.HttpStatusCode.Created, (await integration.PostAsync("/api/v1/messages", System.Net.Http.Json.JsonContent.Create(message))).StatusCode);

        await page.ReloadAsync();
        await Expect(page.Locator("form.api-key-form[data-live]")).ToBeAttachedAsync();
        await Expect(page.Locator("input.new-key")).ToHaveCountAsync(0);
        await Expect(row).Not.ToContainTextAsync("Nunca");
        await row.GetByRole(AriaRole.Button, new() { Name = "Revocar" }).ClickAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "Revocar ahora" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("revocada");
        await Expect(row).ToContainTextAsync("Revocada");
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await integration.PostAsync("/api/v1/messages", System.Net.Http.Json.JsonContent.Create(message))).StatusCode);
    }

    [Fact]
    public async Task A_manager_imports_social_mentions_in_arabic_and_a_bad_file_is_explained()
    {
        var page = await SignInAsync("manager@demo.ribalta.test", "ar");
        await page.GotoAsync($"{fixture.DemoUrl}/social/import");
        await Expect(page.Locator("form.social-import[data-live]")).ToBeAttachedAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("dir", "rtl");

        var tag = Guid.NewGuid().ToString("N")[..8];
        var bad = $"id,handle,text\n{tag}-1,@nour{tag},\n";
        await page.Locator("#mentions-file").SetInputFilesAsync(new FilePayload { Name = "mentions.csv", MimeType = "text/csv", Buffer = System.Text.Encoding.UTF8.GetBytes(bad) });
        await page.GetByRole(AriaRole.Button, new() { Name = "استيراد الإشارات" }).ClickAsync();
        await Expect(page.Locator(".report .alert.error")).ToContainTextAsync("لم يُكتب شيء");
        await Expect(page.Locator("table.row-errors")).ToContainTextAsync("text");

        var good = $"id,network,handle,name,text\n{tag}-1,x,@nour{tag},نور,الطلب وصل متأخراً جداً والتغليف كان تالفاً\n{tag}-2,x,@sam{tag},Sam,Great support team today, thanks for the quick refund\n";
        await page.Locator("#mentions-file").SetInputFilesAsync(new FilePayload { Name = "mentions.csv", MimeType = "text/csv", Buffer = System.Text.Encoding.UTF8.GetBytes(good) });
        await page.GetByRole(AriaRole.Button, new() { Name = "استيراد الإشارات" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("تم استيراد 2");
        await page.Locator("ul.imported a").First.ClickAsync();
        await Expect(page.Locator(".conversation")).ToContainTextAsync("الطلب وصل متأخراً");
    }

    [Fact]
    public async Task An_admin_subscribes_a_webhook_in_italian_an_internal_address_is_refused_and_the_log_shows_attempts()
    {
        var page = await SignInAsync("admin@demo.ribalta.test", "it");
        await page.GotoAsync($"{fixture.DemoUrl}/admin/webhooks");
        await Expect(page.Locator("form.webhook-form[data-live]")).ToBeAttachedAsync();

        await page.Locator("#hook-url").FillAsync("http://169.254.169.254/latest/meta-data");
        await page.GetByRole(AriaRole.Button, new() { Name = "Crea webhook" }).ClickAsync();
        await Expect(page.Locator("[role=alert]").First).ToContainTextAsync("indirizzo interno");

        var url = $"https://hooks.example.org/ribalta/{Guid.NewGuid():N}";
        await page.Locator("#hook-url").FillAsync(url);
        await page.Locator("#hook-events").FillAsync("case.opened");
        await page.GetByRole(AriaRole.Button, new() { Name = "Crea webhook" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("non verrà più mostrato");
        Assert.StartsWith("whsec_", await page.Locator("input.new-secret").InputValueAsync());

        // A case opened now is queued for it; the address cannot be reached from here, so the log shows the attempt waiting.
        using var api = new HttpClient { BaseAddress = new Uri(fixture.DemoUrl) };
        var signIn = await api.PostAsync("/api/v1/session", System.Net.Http.Json.JsonContent.Create(new { email = "admin@demo.ribalta.test", password = BrowserFixture.DemoPassword }));
        Assert.True(signIn.IsSuccessStatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Created, (await api.PostAsync("/api/v1/messages", System.Net.Http.Json.JsonContent.Create(new { from = new { email = $"{Guid.NewGuid():N}@example.it" }, body = "Buongiorno, il pacco non è arrivato." }))).StatusCode);

        var row = page.Locator("table.webhooks tr", new() { HasText = url });
        for (var i = 0; i < 30; i++)
        {
            await row.GetByRole(AriaRole.Button, new() { Name = "Consegne" }).ClickAsync();
            var first = page.Locator("table.deliveries tbody tr").First;
            if (await first.CountAsync() > 0 && (await first.Locator("td").Nth(2).InnerTextAsync()).Trim() != "0")
            {
                break;
            }

            await Task.Delay(500);
        }

        await Expect(page.Locator("table.deliveries tbody tr").First).ToContainTextAsync("case.opened");
        await Expect(page.Locator("table.deliveries tbody tr").First).ToContainTextAsync("In attesa di invio");
        await row.GetByRole(AriaRole.Button, new() { Name = "Disattiva" }).ClickAsync();
        await Expect(page.Locator("[role=status]", new() { HasText = "Webhook verso" })).ToContainTextAsync("disattivato");
        await Expect(row).ToContainTextAsync("Disattivato");
    }

    [Fact]
    public async Task The_keyboard_moves_through_the_inbox_opens_a_case_and_starts_a_reply()
    {
        var page = await SignInAsync("agent@demo.ribalta.test");
        await page.GotoAsync($"{fixture.DemoUrl}/cases?view=All");
        await WaitForCircuitAsync(page);
        await page.Keyboard.PressAsync("j");
        await page.Keyboard.PressAsync("j");
        var second = page.Locator("table.cases tbody tr").Nth(1);
        await Expect(second).ToHaveAttributeAsync("aria-selected", "true");
        var href = (await second.Locator("td a").First.GetAttributeAsync("href"))!;

        await page.Keyboard.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(href) + "$"));
        await Expect(page.Locator("form.composer[data-live]")).ToBeAttachedAsync();
        await page.Keyboard.PressAsync("n");
        await Expect(page.Locator("#composer-body")).ToBeFocusedAsync();
        await Expect(page.Locator("#composer-body")).ToHaveClassAsync(new Regex("note"));
        await page.Keyboard.PressAsync("Escape");
        await page.Keyboard.PressAsync("r");
        await Expect(page.Locator("#composer-body")).ToBeFocusedAsync();
        await Expect(page.Locator("#composer-body")).Not.ToHaveClassAsync(new Regex("note"));

        await page.Keyboard.PressAsync("Escape");
        await page.Keyboard.PressAsync("?");
        await Expect(page.Locator("#shortcuts-help")).ToBeVisibleAsync();
        await Expect(page.Locator("#shortcuts-help")).ToContainTextAsync("Write an internal note");
    }

    [Theory]
    [InlineData("en", "ltr")]
    [InlineData("it", "ltr")]
    [InlineData("es", "ltr")]
    [InlineData("ar", "rtl")]
    public async Task Every_workspace_page_works_in_every_language(string language, string direction)
    {
        var page = await SignInAsync("admin@demo.ribalta.test", language);
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => errors.Add(error);

        var customerHref = await FirstCustomerHrefAsync(page);
        await page.GotoAsync($"{fixture.DemoUrl}/cases?view=All");
        var caseHref = (await page.Locator("table.cases tbody td:nth-child(2) a").First.GetAttributeAsync("href"))!;
        foreach (var path in new[] { "/", "/cases", "/cases?view=Unassigned", "/cases?view=Team", "/cases?view=Overdue", caseHref, $"/cases/new?customerId={customerHref.Split('/')[^1]}", "/customers", "/customers/new", customerHref, $"{customerHref}/edit", "/customers/import", "/segments", "/canned-replies", "/settings/targets", "/settings/envelopes", "/help", "/help?tab=answered", "/help?tab=asked", "/help?tab=report", "/promises", "/promises?tab=settled", "/promises?tab=report", "/promises?tab=report&by=kind", "/kindness", "/kindness?tab=feed", "/kindness?tab=moments", "/kindness?tab=budgets", "/search?q=pedido", "/admin/staff", "/admin/audit", "/admin/api-keys", "/admin/webhooks", "/admin/mailboxes", "/admin/chat", "/admin/routing", "/social/import", "/account" })
        {
            await page.GotoAsync(fixture.DemoUrl + path);
            await Expect(page.Locator("html")).ToHaveAttributeAsync("dir", direction);
            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", language);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
            await Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
            if (Environment.GetEnvironmentVariable("RIBALTA_SCREENSHOTS") is { Length: > 0 } folder)
            {
                Directory.CreateDirectory(folder);
                await page.ScreenshotAsync(new() { Path = Path.Combine(folder, $"{language}{path.Replace('/', '_').Replace('?', '_')}.png"), FullPage = true });
            }
        }

        Assert.Empty(errors);
    }

    private async Task<string> FirstCustomerHrefAsync(IPage page)
    {
        await page.GotoAsync($"{fixture.DemoUrl}/customers");
        return (await page.Locator("table.customers tbody a").First.GetAttributeAsync("href"))!;
    }
}
