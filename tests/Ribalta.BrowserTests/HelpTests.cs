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

/// <summary>
/// Escalation as a partnership, end to end: an agent above their limit, working in Spanish, asks the team lead from the case; the lead,
/// working in Arabic, sees it waiting in the inbox, approves it from their help queue; the agent's case shows the
/// approval and the grant live, and the customer is told by the agent.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Suite", "Browser")]
public sealed class HelpTests(BrowserFixture fixture) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => fixture.CloseContextsAsync();

    [Fact]
    public async Task An_agent_above_the_limit_asks_the_team_lead_who_approves_from_their_queue()
    {
        var manager = await fixture.DemoApiAsync(StaffRoles.Manager);
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var created = await manager.PostAsJsonAsync("/api/v1/resolution-options", new ResolutionOptionInput(ResolutionKind.Refund, OptionMeasure.Money,
            new Dictionary<string, string> { ["en"] = $"Refund {suffix}", ["ar"] = $"استرداد {suffix}" }), Api.Json);
        var refund = (await created.Content.ReadFromJsonAsync<ResolutionOptionDto>(Api.Json))!;
        (await manager.PostAsJsonAsync("/api/v1/envelope-rules", new EnvelopeRuleInput(refund.Id, StaffRoles.Frontline, PerGrant: [new MoneyDto(50, "EUR")]), Api.Json)).EnsureSuccessStatusCode();
        (await manager.PostAsJsonAsync("/api/v1/envelope-rules", new EnvelopeRuleInput(refund.Id, StaffRoles.TeamLead, PerGrant: [new MoneyDto(200, "EUR")]), Api.Json)).EnsureSuccessStatusCode();

        // A team lead of their own, so that switching to Arabic changes no other test's demo login.
        var leadName = "Samira Haddad " + suffix;
        var leadEmail = $"lead-{suffix}@staff.test";
        await fixture.Demo.CreateStaffAsync(leadEmail, leadName, [StaffRoles.TeamLead]);

        var frontline = await fixture.DemoApiAsync(StaffRoles.Frontline);
        var subject = "Whole order lost " + suffix;
        var caseId = (await frontline.OpenPhoneCaseAsync("Hannah Brooks", "en", subject, "Nothing arrived, again.")).Id;

        // The agent tries 120 EUR, is stopped at 50, and asks for help with it right there.
        var agent = await fixture.SignInStaffAsync("agent@demo.ribalta.test", "es");
        await agent.GotoAsync($"{fixture.DemoUrl}/cases/{caseId}");
        var panel = agent.Locator("aside.resolve-panel");
        await Expect(panel.Locator("form.resolve-form[data-live]")).ToBeAttachedAsync();
        var refundBox = panel.Locator($"fieldset[data-option='{refund.Id}']");
        await refundBox.GetByRole(AriaRole.Checkbox).CheckAsync();
        await refundBox.GetByLabel("Importe").FillAsync("120");
        await panel.GetByLabel("Por qué (una línea, para el registro)").FillAsync("Third lost order");
        await panel.GetByRole(AriaRole.Button, new() { Name = "Conceder ahora" }).ClickAsync();
        await Expect(panel.GetByRole(AriaRole.Alert)).ToContainTextAsync("Pide ayuda");
        await panel.GetByRole(AriaRole.Button, new() { Name = "Pedir ayuda con esto" }).ClickAsync();

        var ask = panel.Locator("form.ask-form");
        await Expect(ask.Locator(".proposal-summary")).ToContainTextAsync("120,00 EUR");
        var whom = ask.Locator($"#help-whom-{caseId}");
        var lead = await whom.Locator("option", new() { HasText = leadName }).GetAttributeAsync("value");
        await whom.SelectOptionAsync(lead!);
        await ask.GetByLabel("Tu pregunta").FillAsync("Third lost order in a row; she asks for all 120 back.");
        await ask.GetByRole(AriaRole.Button, new() { Name = "Enviar" }).ClickAsync();
        await Expect(panel.Locator(".help-section [role=status]")).ToContainTextAsync("Pedido a " + leadName);
        var card = panel.Locator(".help-card");
        await Expect(card).ToHaveAttributeAsync("data-status", "Open");
        await Expect(panel.Locator(".collaborators")).ToContainTextAsync(leadName);

        // The lead, in Arabic: the inbox says help is waiting; the queue has the request, with the proposal.
        var leadPage = await fixture.SignInStaffAsync(leadEmail, "ar", RibaltaApp.Password);
        await leadPage.GotoAsync($"{fixture.DemoUrl}/cases");
        await Expect(leadPage.Locator("html")).ToHaveAttributeAsync("dir", "rtl");
        await Expect(leadPage.Locator(".help-waiting")).ToContainTextAsync("طلبات مساعدة بانتظارك");
        await leadPage.Locator(".help-waiting a").ClickAsync();

        // The help queue's own tabs, live (the inbox has tabs too: waiting on those would act on a page not yet interactive).
        await Expect(leadPage.Locator("nav.tabs[data-live][aria-label='طلبات المساعدة']")).ToBeAttachedAsync();
        var request = leadPage.Locator(".help-card", new() { HasText = subject });
        await Expect(request).ToContainTextAsync("120\u066B00 EUR");
        await request.GetByLabel("إجابتك").FillAsync("نعم، ثلاث مرات متتالية خطؤنا.");
        await request.GetByRole(AriaRole.Button, new() { Name = "وافق وامنح" }).ClickAsync();
        // The first approval runs the whole grant path (envelope, ledger, reply, outbox) for the first time: give it room.
        await Expect(leadPage.Locator(".help-card", new() { HasText = subject })).ToHaveCountAsync(0, new() { Timeout = 15_000 });

        // The agent's case shows it live: approved, granted under the lead's name, and told to the customer by the agent.
        await Expect(card).ToHaveAttributeAsync("data-status", "Approved", new() { Timeout = 15_000 });
        await Expect(card.Locator("blockquote.answer")).ToContainTextAsync("ثلاث مرات");
        await Expect(panel.Locator("ul.grants li")).ToContainTextAsync(leadName);
        await Expect(agent.Locator(".messages .body").Last).ToContainTextAsync("We have refunded you 120.00 EUR.");
    }
}
