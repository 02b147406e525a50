using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Ribalta.Customers.PortalAccess;
using Ribalta.Platform.Events;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Ribalta.BrowserTests;

/// <summary>A customer and an agent, each in their own browser and language, on the same case.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Suite", "Browser")]
public sealed class PortalTests(BrowserFixture fixture) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => fixture.CloseContextsAsync();

    private async Task<IPage> CustomerPageAsync(string name, string language, string browserLocale)
    {
        var customer = await fixture.Demo.WithServices(async sp =>
        {
            var create = sp.GetRequiredService<Ribalta.Customers.CreateCustomer.CreateCustomerHandler>();
            return (await create.HandleAsync(Actor.System, new Ribalta.Customers.Domain.CustomerInput(name, language), default)).Value;
        });
        var token = await fixture.Demo.WithServices(async sp => (await sp.GetRequiredService<PortalLinks>().IssueAsync(Actor.System, customer.Id, default)).Value.Token);

        var page = await fixture.NewPageAsync(browserLocale);
        await page.GotoAsync($"{fixture.DemoUrl}/portal/sign-in/{token}");
        await page.Locator("form button[type=submit]").Last.ClickAsync();
        await Expect(page).ToHaveURLAsync($"{fixture.DemoUrl}/portal");
        return page;
    }

    private Task<IPage> AgentPageAsync(string email) => fixture.SignInStaffAsync(email, thenLanguage: null);

    [Fact]
    public async Task A_spanish_customer_asks_in_the_portal_and_an_agent_answers()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var customer = await CustomerPageAsync($"Carmen Ruiz {tag}", "es", "es-ES");
        await Expect(customer.Locator("html")).ToHaveAttributeAsync("lang", "es");
        await customer.GetByRole(AriaRole.Link, new() { Name = "Escríbenos" }).First.ClickAsync();
        await customer.GetByLabel("¿De qué se trata?").FillAsync($"Pedido incompleto {tag}");
        await customer.GetByLabel("Tu mensaje").FillAsync("Faltan dos piezas en mi pedido.");
        await customer.GetByRole(AriaRole.Button, new() { Name = "Enviar" }).ClickAsync();
        await Expect(customer.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"Pedido incompleto {tag}");
        await Expect(customer.GetByText("Recibida")).ToBeVisibleAsync();

        // Ana works in Spanish: her workspace follows her preference.
        var agent = await AgentPageAsync("agent@demo.ribalta.test");
        await agent.GotoAsync($"{fixture.DemoUrl}/culture/es?returnUrl=%2Fcases%3Fview%3DUnassigned");
        await agent.GetByRole(AriaRole.Link, new() { Name = $"Pedido incompleto {tag}" }).ClickAsync();
        await Expect(agent.Locator("form.composer[data-live]")).ToBeAttachedAsync();
        // A canned reply in Spanish, placeholders filled with the customer's and the agent's names.
        var reply = agent.GetByLabel($"Tu respuesta a Carmen Ruiz {tag}");
        await agent.GetByLabel("Insertar una respuesta predefinida").SelectOptionAsync(new SelectOptionValue { Label = "Gracias, nos ocupamos (Español)" });
        await Expect(reply).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^Hola, Carmen:.*Ana Ortega$", System.Text.RegularExpressions.RegexOptions.Singleline));
        await reply.PressSequentiallyAsync(" Le enviamos las dos piezas hoy mismo.");
        await agent.GetByRole(AriaRole.Button, new() { Name = "Enviar respuesta" }).ClickAsync();
        await Expect(agent.GetByText("Respuesta enviada.")).ToBeVisibleAsync();
        await Expect(agent.Locator(".message.kind-reply .body")).ToContainTextAsync("gracias por escribirnos");

        await customer.ReloadAsync();
        await Expect(customer.Locator(".message.kind-reply .body")).ToContainTextAsync("Hola, Carmen:");
        await Expect(customer.Locator(".message.kind-reply .body")).ToContainTextAsync("Le enviamos las dos piezas hoy mismo.");
        await Expect(customer.GetByText("Esperando tu respuesta")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task An_italian_customer_sends_a_photo_with_the_request_and_the_agent_sees_it()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var customer = await CustomerPageAsync($"Paolo Greco {tag}", "it", "it-IT");
        await customer.GotoAsync($"{fixture.DemoUrl}/portal/cases/new");
        await customer.Locator("#subject").FillAsync($"Vetro rotto {tag}");
        await customer.Locator("#body").FillAsync("Il vetro del forno è arrivato rotto, allego la foto.");
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
        await customer.Locator("#files").SetInputFilesAsync(new FilePayload { Name = "vetro.png", MimeType = "image/png", Buffer = png });
        await customer.Locator("form[enctype='multipart/form-data'] button[type=submit]").ClickAsync();
        await Expect(customer.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"Vetro rotto {tag}");
        await Expect(customer.Locator(".message .attachments")).ToContainTextAsync("vetro.png");

        var agent = await AgentPageAsync("agente@demo.ribalta.test");
        await agent.GotoAsync($"{fixture.DemoUrl}/cases?view=Unassigned");
        await agent.GetByRole(AriaRole.Link, new() { Name = $"Vetro rotto {tag}" }).ClickAsync();
        await Expect(agent.Locator(".message.kind-customer")).ToContainTextAsync("vetro.png");
    }

    [Fact]
    public async Task An_arabic_customers_case_reads_right_to_left_for_the_customer_and_the_agent()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var customer = await CustomerPageAsync($"ليلى منصور {tag}", "ar", "ar");
        await Expect(customer.Locator("html")).ToHaveAttributeAsync("dir", "rtl");
        await customer.GotoAsync($"{fixture.DemoUrl}/portal/cases/new");
        await customer.GetByLabel("ما الموضوع؟").FillAsync($"استفسار عن الفاتورة {tag}");
        await customer.GetByLabel("رسالتك").FillAsync("أرجو توضيح المبلغ الإضافي في فاتورة هذا الشهر.");
        await customer.GetByRole(AriaRole.Button, new() { Name = "إرسال" }).ClickAsync();
        await Expect(customer.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"استفسار عن الفاتورة {tag}");
        await Expect(customer.Locator(".message .body").First).ToHaveCSSAsync("direction", "rtl");

        // An English-speaking lead still reads the Arabic words right to left.
        var lead = await AgentPageAsync("lead@demo.ribalta.test");
        await lead.GotoAsync($"{fixture.DemoUrl}/cases?view=Unassigned");
        await lead.GetByRole(AriaRole.Link, new() { Name = $"استفسار عن الفاتورة {tag}" }).ClickAsync();

        // The page is prerendered, then replaced by the live circuit; measure the live one.
        await Expect(lead.Locator("form.composer[data-live]")).ToBeAttachedAsync();
        await Expect(lead.Locator(".message .body").First).ToHaveTextAsync("أرجو توضيح المبلغ الإضافي في فاتورة هذا الشهر.");
        await Expect(lead.Locator(".message .body").First).ToHaveCSSAsync("direction", "rtl");
        await Expect(lead.Locator("html")).ToHaveAttributeAsync("dir", "ltr");
    }

    [Fact]
    public async Task An_agent_attaches_a_picture_and_the_customer_sees_it()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var customer = await CustomerPageAsync($"Giulia Neri {tag}", "it", "it-IT");
        await customer.GotoAsync($"{fixture.DemoUrl}/portal/cases/new");
        await customer.GetByLabel("Di cosa si tratta?").FillAsync($"Come restituire {tag}");
        await customer.GetByLabel("Il tuo messaggio").FillAsync("Dove devo spedire il prodotto?");
        await customer.GetByRole(AriaRole.Button, new() { Name = "Invia" }).ClickAsync();
        var caseUrl = customer.Url;

        var agent = await AgentPageAsync("lead@demo.ribalta.test");
        await agent.GotoAsync($"{fixture.DemoUrl}/culture/en?returnUrl=%2Fcases%3Fview%3DUnassigned");
        await agent.GetByRole(AriaRole.Link, new() { Name = $"Come restituire {tag}" }).ClickAsync();
        await Expect(agent.Locator("form.composer[data-live]")).ToBeAttachedAsync();
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1F, 0x15, 0xC4, 0x89];
        await agent.GetByLabel("Attach files").SetInputFilesAsync(new FilePayload { Name = "etichetta-reso.png", MimeType = "image/png", Buffer = png });
        await Expect(agent.Locator(".chips")).ToContainTextAsync("etichetta-reso.png");
        await agent.GetByLabel($"Your reply to Giulia Neri {tag}").FillAsync("Ecco l'etichetta per il reso.");
        await agent.GetByRole(AriaRole.Button, new() { Name = "Send reply" }).ClickAsync();
        await Expect(agent.Locator(".message.kind-reply .attachments a")).ToHaveTextAsync("etichetta-reso.png");

        await customer.GotoAsync(caseUrl);
        var link = customer.Locator(".message.kind-reply .attachments a");
        await Expect(link).ToHaveTextAsync("etichetta-reso.png");
        var href = await link.GetAttributeAsync("href");
        var response = await customer.Context.APIRequest.GetAsync($"{fixture.DemoUrl}{href}");
        Assert.Equal(200, response.Status);
        Assert.Equal(png, await response.BodyAsync());
    }
}
