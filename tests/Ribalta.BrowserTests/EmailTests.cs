using Microsoft.Playwright;
using MimeKit;
using Ribalta.Tests.Infrastructure;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Ribalta.BrowserTests;

/// <summary>Email through the workspace: an admin sets up a mailbox, mail arrives live in an agent's inbox, the agent reads it and replies.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Suite", "Browser")]
public sealed class EmailTests(BrowserFixture fixture, MailServers mail) : IAsyncLifetime, IClassFixture<MailServers>
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => fixture.CloseContextsAsync();

    [Fact]
    public async Task An_admin_sets_up_a_mailbox_a_customers_email_appears_live_and_the_agents_reply_goes_back_threaded()
    {
        // The admin adds the mailbox in Italian.
        var admin = await fixture.SignInStaffAsync("admin@demo.ribalta.test", "it");
        await admin.GotoAsync($"{fixture.DemoUrl}/admin/mailboxes");
        await Expect(admin.Locator("form.mailbox-form[data-live]")).ToBeAttachedAsync();
        var address = $"assistenza-{Guid.NewGuid():N}"[..22] + "@acme.test";
        await admin.Locator("#mb-name").FillAsync("Assistenza");
        await admin.Locator("#mb-address").FillAsync(address);
        await admin.Locator("#mb-sender").FillAsync("Assistenza Acme");
        await admin.Locator("#mb-in-security").SelectOptionAsync("None");
        await admin.Locator("#mb-in-host").FillAsync("127.0.0.1");
        await admin.Locator("#mb-in-port").FillAsync(mail.ImapPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await admin.Locator("#mb-in-user").FillAsync("imap1");
        await admin.Locator("#mb-in-password").FillAsync(MailServers.Password);
        await admin.Locator("#mb-smtp-host").FillAsync("127.0.0.1");
        await admin.Locator("#mb-smtp-security").SelectOptionAsync("None");
        await admin.Locator("#mb-smtp-port").FillAsync(mail.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await admin.Locator("#mb-sig-es").FillAsync("El equipo de Acme");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Aggiungi casella" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("salvata");
        var row = admin.Locator("table.mailboxes tr", new() { HasText = address });
        await Expect(row).ToBeVisibleAsync();

        // A Spanish agent watches the unassigned inbox.
        var agent = await fixture.SignInStaffAsync("agent@demo.ribalta.test", null);
        await agent.GotoAsync($"{fixture.DemoUrl}/cases?view=Unassigned");
        await Expect(agent.Locator("[data-live]:not(.bell)").First).ToBeAttachedAsync();

        // A customer writes; the admin checks the mailbox now; the case appears for the agent without a reload.
        var subject = $"Pedido roto {Guid.NewGuid():N}"[..20];
        var customer = new MimeMessage();
        customer.From.Add(new MailboxAddress("Lucía Gómez", $"{Guid.NewGuid():N}@example.es"));
        customer.To.Add(MailboxAddress.Parse(address));
        customer.Subject = subject;
        customer.MessageId = $"{Guid.NewGuid():N}@example.es";
        customer.Body = new BodyBuilder
        {
            TextBody = "Hola, mi pedido llegó roto y necesito que me envíen otro lo antes posible.",
            HtmlBody = "<div dir=\"ltr\"><p>Hola, mi pedido <b>llegó roto</b> y necesito que me envíen otro lo antes posible.</p><img src=\"https://tracker.example/p.gif\"></div>",
        }.ToMessageBody();
        await mail.DeliverAsync("imap1", customer);
        await row.GetByRole(AriaRole.Button, new() { Name = "Controlla ora" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Alert).Or(admin.GetByRole(AriaRole.Status))).ToContainTextAsync("controllata");
        var link = agent.GetByRole(AriaRole.Link, new() { Name = subject });
        await Expect(link).ToBeVisibleAsync(new() { Timeout = 10_000 });

        // The agent opens it: the words, where they came from, and the formatted mail in a sandboxed frame with images blocked.
        await link.ClickAsync();
        await Expect(agent.Locator(".messages .body").First).ToContainTextAsync("mi pedido llegó roto");
        await Expect(agent.Locator(".email-info").First).ToContainTextAsync("Por correo de");
        await agent.GetByRole(AriaRole.Button, new() { Name = "Ver con formato" }).ClickAsync();
        var frame = agent.Locator(".email-html iframe");
        await Expect(frame).ToHaveAttributeAsync("sandbox", "allow-popups allow-popups-to-escape-sandbox");
        await Expect(agent.FrameLocator(".email-html iframe").Locator("b")).ToHaveTextAsync("llegó roto");
        await Expect(agent.FrameLocator(".email-html iframe").Locator("img[data-blocked=remote]")).ToHaveCountAsync(1);

        // The reply goes back by mail, threaded and signed in Spanish, and shows as sent.
        // Typed before the page is live, the words would be wiped when it becomes live.
        await Expect(agent.Locator("form.composer[data-live]")).ToBeAttachedAsync();
        await agent.Locator("#composer-body").FillAsync("Lo sentimos mucho, hoy mismo le enviamos uno nuevo.");
        await agent.Locator("form.composer button[type=submit]").ClickAsync();
        var sent = Assert.Single(await mail.WaitForSentAsync(m => m.InReplyTo == customer.MessageId));
        Assert.Contains("El equipo de Acme", sent.TextBody, StringComparison.Ordinal);
        Assert.Contains("[#", sent.Subject, StringComparison.Ordinal);
        await agent.ReloadAsync();
        await Expect(agent.Locator(".delivery-sent")).ToContainTextAsync("Correo enviado a");
    }
}
