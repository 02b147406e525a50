using System.Net.Http.Json;
using Microsoft.Playwright;
using Ribalta.Platform.Identity;
using Ribalta.Tests.Infrastructure;
using Ribalta.Tests.Integration.Cases;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Ribalta.BrowserTests;

/// <summary>
/// "Did you do what you said you would do?", end to end in Spanish: a sentence of the agent's reply becomes a promise
/// in one action, shows as due in the agent's inbox, and turns broken there when the clock passes its due time; the
/// customer is told in their language without asking.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Suite", "Browser")]
public sealed class PromiseTests(BrowserFixture fixture) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => fixture.CloseContextsAsync();

    [Fact]
    public async Task A_promise_made_in_a_reply_shows_due_in_the_inbox_and_turns_broken_when_the_clock_passes()
    {
        using var api = await fixture.DemoApiAsync(StaffRoles.Frontline);
        var subject = "Entrega pendiente " + Guid.NewGuid().ToString("N")[..6];
        var caseId = (await api.OpenPhoneCaseAsync("Lucía Gómez", "es", subject, "¿Cuándo llega mi pedido?")).Id;

        // The agent replies, then marks one sentence of the reply as a promise, due in two hours.
        var agent = await fixture.SignInStaffAsync("agent@demo.ribalta.test", "es");
        await agent.GotoAsync($"{fixture.DemoUrl}/cases/{caseId}");
        await Expect(agent.Locator("form.composer[data-live]")).ToBeAttachedAsync();
        const string words = "Te llamo mañana a las diez para confirmar la entrega.";
        await agent.Locator("#composer-body").FillAsync("Hola, Lucía. " + words + " Un saludo.");
        await agent.Locator("form.composer button[type=submit]").ClickAsync();
        var panel = agent.Locator("aside.promise-panel");
        await panel.Locator("button.sentence", new() { HasText = words }).ClickAsync();
        await Expect(panel.GetByLabel("Las palabras que usaste")).ToHaveValueAsync(words);
        await panel.GetByRole(AriaRole.Button, new() { Name = "En 2 horas" }).ClickAsync();
        await panel.GetByRole(AriaRole.Button, new() { Name = "Registrar la promesa" }).ClickAsync();
        await Expect(panel.GetByRole(AriaRole.Status)).ToContainTextAsync("Promesa registrada");
        await Expect(panel.Locator("li.promise")).ToHaveAttributeAsync("data-status", "Open");

        // In the inbox: due soon, with the words.
        await agent.GotoAsync($"{fixture.DemoUrl}/cases");
        var owed = agent.Locator(".promise-inbox li.promise", new() { HasText = words });
        await Expect(owed).ToHaveAttributeAsync("data-status", "Open");
        await Expect(owed.Locator("time.due")).ToContainTextAsync("vence en");
        await Expect(agent.Locator("nav.tabs[data-live]")).ToBeAttachedAsync();

        // Three hours later the promise is broken: the inbox shows it at once, and the customer was told.
        fixture.Demo.RealClock.Advance(TimeSpan.FromHours(3));
        await Expect(owed).ToHaveAttributeAsync("data-status", "Broken", new() { Timeout = 15_000 });
        await Expect(owed).ToContainTextAsync("Incumplida");
        await Expect(owed).ToContainTextAsync("se avisó al cliente");
        await owed.Locator("a").ClickAsync();
        await Expect(agent.Locator(".messages .body").Last).ToContainTextAsync("le prometimos: «" + words + "»");
    }
}
