using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Ribalta.Cases.OpenCase;
using Ribalta.Platform.Events;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Ribalta.BrowserTests;

/// <summary>The workspace is live: what others do appears without a reload.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Suite", "Browser")]
public sealed class LiveTests(BrowserFixture fixture) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => fixture.CloseContextsAsync();

    private Task<IPage> SignInAsync(string email) => fixture.SignInStaffAsync(email);

    private Task<long> CustomerOpensCaseAsync(string subject) => fixture.Demo.WithServices(async sp =>
    {
        var create = sp.GetRequiredService<Ribalta.Customers.CreateCustomer.CreateCustomerHandler>();
        var customer = (await create.HandleAsync(Actor.System, new Ribalta.Customers.Domain.CustomerInput("Live Customer", "en"), default)).Value;
        var open = sp.GetRequiredService<OpenCaseHandler>();
        var actor = new Actor(ActorKind.Customer, customer.Id.ToString(), customer.DisplayName);
        return (await open.HandleAsync(actor, new OpenCaseRequest(customer.Id, subject, "Hello, is anyone there?"), default)).Value.Id;
    });

    [Fact]
    public async Task A_new_case_appears_in_the_open_inbox_without_a_reload()
    {
        var lead = await SignInAsync("lead@demo.ribalta.test");
        await lead.GotoAsync($"{fixture.DemoUrl}/cases?view=Unassigned");
        await Expect(lead.Locator("[data-live]:not(.bell)").First).ToBeAttachedAsync();

        var subject = $"Live arrival {Guid.NewGuid():N}"[..22];
        await CustomerOpensCaseAsync(subject);
        await Expect(lead.GetByRole(AriaRole.Link, new() { Name = subject })).ToBeVisibleAsync(new() { Timeout = 10_000 });
    }

    [Fact]
    public async Task Two_agents_on_one_case_see_each_other_and_who_is_replying()
    {
        var subject = $"Collision {Guid.NewGuid():N}"[..20];
        var caseId = await CustomerOpensCaseAsync(subject);

        var sam = await SignInAsync("lead@demo.ribalta.test");
        await sam.GotoAsync($"{fixture.DemoUrl}/cases/{caseId}");
        await Expect(sam.Locator("form.composer[data-live]")).ToBeAttachedAsync();

        var hannah = await SignInAsync("logistics@demo.ribalta.test");
        await hannah.GotoAsync($"{fixture.DemoUrl}/cases/{caseId}");
        await Expect(hannah.Locator("form.composer[data-live]")).ToBeAttachedAsync();

        await Expect(sam.GetByText("Hannah Price has this case open too.")).ToBeVisibleAsync();
        await hannah.GetByLabel("Your reply to Live Customer").FillAsync("Yes, I am here");
        await Expect(sam.GetByText("Hannah Price is writing a reply to this customer right now.")).ToBeVisibleAsync();

        await hannah.GetByLabel("Your reply to Live Customer").PressAsync("Control+Enter");
        await Expect(sam.Locator(".message.kind-reply .body")).ToHaveTextAsync("Yes, I am here");
        await Expect(sam.GetByText("New activity from Hannah Price.")).ToBeVisibleAsync();
        await Expect(sam.GetByText("Hannah Price is writing a reply")).ToBeHiddenAsync();
    }
}
