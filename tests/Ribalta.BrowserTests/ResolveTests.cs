using System.Net.Http.Json;
using Microsoft.Playwright;
using Ribalta.Empowerment.Catalogue;
using Ribalta.Empowerment.Contracts;
using Ribalta.Empowerment.Envelopes;
using Ribalta.Platform.Identity;
using Ribalta.Tests.Infrastructure;
using Ribalta.Tests.Integration.Cases;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Ribalta.BrowserTests;

/// <summary>An agent resolves a customer's problem on the spot, in Italian, with two options at once; above the envelope, the panel says which limit.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Suite", "Browser")]
public sealed class ResolveTests(BrowserFixture fixture) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => fixture.CloseContextsAsync();

    [Fact]
    public async Task An_agent_resolves_a_case_with_two_options_in_italian()
    {
        // A manager puts a refund and a deadline extension in the front line's envelope.
        var manager = await fixture.DemoApiAsync(StaffRoles.Manager);
        var suffix = Guid.NewGuid().ToString("N")[..6];
        async Task<ResolutionOptionDto> OptionAsync(ResolutionKind kind, OptionMeasure measure, string it)
        {
            var response = await manager.PostAsJsonAsync("/api/v1/resolution-options", new ResolutionOptionInput(kind, measure,
                new Dictionary<string, string> { ["en"] = $"{kind} {suffix}", ["it"] = $"{it} {suffix}" }), Api.Json);
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadFromJsonAsync<ResolutionOptionDto>(Api.Json))!;
        }

        var refund = await OptionAsync(ResolutionKind.Refund, OptionMeasure.Money, "Rimborso");
        var extension = await OptionAsync(ResolutionKind.Extension, OptionMeasure.Days, "Proroga");
        (await manager.PostAsJsonAsync("/api/v1/envelope-rules", new EnvelopeRuleInput(refund.Id, StaffRoles.Frontline, PerGrant: [new MoneyDto(50, "EUR")], MonthlyBudget: [new MoneyDto(1000, "EUR")]), Api.Json)).EnsureSuccessStatusCode();
        (await manager.PostAsJsonAsync("/api/v1/envelope-rules", new EnvelopeRuleInput(extension.Id, StaffRoles.Frontline, MaxQuantity: 14), Api.Json)).EnsureSuccessStatusCode();

        // An Italian customer's case.
        var frontline = await fixture.DemoApiAsync(StaffRoles.Frontline);
        var caseId = (await frontline.OpenPhoneCaseAsync("Giulia Ferri", "it", "Consegna in ritardo " + suffix, "Il pacco non è ancora arrivato.")).Id;

        var agent = await fixture.SignInStaffAsync("agent@demo.ribalta.test", "it");
        await agent.GotoAsync($"{fixture.DemoUrl}/cases/{caseId}");
        var panel = agent.Locator("aside.resolve-panel");
        await Expect(panel.Locator("form.resolve-form[data-live]")).ToBeAttachedAsync();
        await Expect(panel.GetByRole(AriaRole.Heading, new() { Name = "Risolvi" })).ToBeVisibleAsync();

        var refundBox = panel.Locator($"fieldset[data-option='{refund.Id}']");
        await refundBox.GetByRole(AriaRole.Checkbox).CheckAsync();
        await Expect(refundBox.Locator(".headroom")).ToContainTextAsync("Fino a 50,00 EUR ora");
        await refundBox.GetByLabel("Importo").FillAsync("25");
        var extensionBox = panel.Locator($"fieldset[data-option='{extension.Id}']");
        await extensionBox.GetByRole(AriaRole.Checkbox).CheckAsync();
        await extensionBox.GetByLabel("Giorni").FillAsync("7");
        await panel.GetByLabel("Perché (una riga, per il registro)").FillAsync("Corriere in ritardo di una settimana");
        await panel.GetByRole(AriaRole.Button, new() { Name = "Concedi ora" }).ClickAsync();

        await Expect(panel.GetByRole(AriaRole.Status)).ToContainTextAsync("Concesso");
        await Expect(panel.Locator("ul.grants li")).ToHaveCountAsync(2);

        // The answer is beside the button that was pressed, and the form is ready for the next grant.
        await Expect(panel.GetByRole(AriaRole.Status)).ToBeInViewportAsync();
        await Expect(refundBox.GetByRole(AriaRole.Checkbox)).Not.ToBeCheckedAsync();
        await Expect(extensionBox.GetByRole(AriaRole.Checkbox)).Not.ToBeCheckedAsync();
        await Expect(panel.GetByLabel("Perché (una riga, per il registro)")).ToHaveValueAsync("");
        await Expect(agent.Locator(".messages .body").Last).ToContainTextAsync("Le abbiamo rimborsato 25,00 EUR.");
        await Expect(agent.Locator(".messages .body").Last).ToContainTextAsync("Abbiamo prorogato la Sua scadenza di 7 giorni.");

        // Above the envelope: nothing is granted, and the panel says which limit and to ask for help.
        await refundBox.GetByRole(AriaRole.Checkbox).CheckAsync();
        await refundBox.GetByLabel("Importo").FillAsync("80");
        await panel.GetByLabel("Perché (una riga, per il registro)").FillAsync("Secondo disguido");
        await panel.GetByRole(AriaRole.Button, new() { Name = "Concedi ora" }).ClickAsync();
        await Expect(panel.GetByRole(AriaRole.Alert)).ToContainTextAsync("Chiedi aiuto");
        await Expect(panel.GetByRole(AriaRole.Alert)).ToContainTextAsync("al massimo 50,00 EUR per volta");
        await Expect(panel.Locator("ul.grants li")).ToHaveCountAsync(2);

        // A team lead takes the refund back, with a reason; it stays on record. The agent who granted it sees no such button.
        await Expect(panel.Locator("button.take-back")).ToHaveCountAsync(0);
        var lead = await fixture.SignInStaffAsync("lead@demo.ribalta.test", "it");
        await lead.GotoAsync($"{fixture.DemoUrl}/cases/{caseId}");
        var leadPanel = lead.Locator("aside.resolve-panel");
        await Expect(leadPanel.Locator("form.resolve-form[data-live]")).ToBeAttachedAsync();
        var refundGrant = leadPanel.Locator("ul.grants li", new() { HasText = "Rimborso" });
        await refundGrant.GetByRole(AriaRole.Button, new() { Name = "Annulla la concessione" }).ClickAsync();
        await refundGrant.GetByLabel("Perché viene annullata").FillAsync("Il pacco è stato ritrovato");
        await refundGrant.GetByRole(AriaRole.Button, new() { Name = "Annullala" }).ClickAsync();
        await Expect(leadPanel.GetByRole(AriaRole.Status)).ToContainTextAsync("Annullata");
        await Expect(refundGrant.Locator(".reversed")).ToContainTextAsync("Il pacco è stato ritrovato");
    }

    [Fact]
    public async Task A_manager_sets_an_option_and_its_envelope_in_spanish()
    {
        var manager = await fixture.SignInStaffAsync("manager@demo.ribalta.test", "es");
        await manager.GotoAsync($"{fixture.DemoUrl}/settings/envelopes");
        await Expect(manager.Locator("form.option-form[data-live]")).ToBeAttachedAsync();
        // The demo's grants show in the usage table, by option and team.
        await Expect(manager.Locator("table.usage")).ToContainTextAsync("Reembolso");
        var name = $"Bono {Guid.NewGuid():N}"[..13];
        await manager.Locator("#opt-kind").SelectOptionAsync("Credit");
        await manager.Locator("#opt-name-en").FillAsync(name + " (en)");
        await manager.Locator("#opt-name-es").FillAsync(name);
        await manager.Locator("form.option-form button[type=submit]").ClickAsync();
        await Expect(manager.GetByRole(AriaRole.Status)).ToContainTextAsync(name);
        await Expect(manager.Locator("table.options")).ToContainTextAsync(name);

        // A limit that cannot be read is refused with the hint; a good one is saved and shown as people read money.
        var option = manager.Locator("#rule-option");
        await option.SelectOptionAsync(new SelectOptionValue { Label = name });
        await manager.Locator("#rule-per-grant").FillAsync("40 euros");
        await manager.Locator("form.rule-form button[type=submit]").ClickAsync();
        await Expect(manager.Locator("form.rule-form")).ToContainTextAsync("Importes con su moneda");
        await manager.Locator("#rule-per-grant").FillAsync("40 EUR, 45,50 USD");
        await manager.Locator("form.rule-form button[type=submit]").ClickAsync();
        await Expect(manager.GetByRole(AriaRole.Status)).ToContainTextAsync("Margen guardado");
        var row = manager.Locator("table.rules tr", new() { HasText = name });
        await Expect(row).ToContainTextAsync("40,00 EUR");
        await Expect(row).ToContainTextAsync("45,50 USD");
        await Expect(row).ToContainTextAsync("Primera línea");
    }
}
