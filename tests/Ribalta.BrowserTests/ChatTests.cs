using System.Net;
using System.Text;
using Microsoft.Playwright;
using Ribalta.Tests.Infrastructure;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Ribalta.BrowserTests;

/// <summary>
/// The chat widget on a company's own site (another origin, served by the test): an admin sets the widget up and copies
/// its snippet, a visitor chats in Arabic, an agent in a second browser context sees the chat arrive live and answers,
/// and the visitor sees the answer, comes back after a reload, and leaves an address to continue by email.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Suite", "Browser")]
public sealed class ChatTests(BrowserFixture fixture) : IAsyncLifetime
{
    private readonly HttpListener _site = new();
    private string _siteUrl = "";
    private string _snippet = "";

    public Task InitializeAsync()
    {
        var port = PostgresServer.FreePort();
        _siteUrl = $"http://127.0.0.1:{port}";
        _site.Prefixes.Add(_siteUrl + "/");
        _site.Start();
        _ = ServeAsync();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await fixture.CloseContextsAsync();
        _site.Close();
    }

    /// <summary>The company's shop: a plain page with the snippet the admin copied, as its web designer would paste it.</summary>
    private async Task ServeAsync()
    {
        while (_site.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _site.GetContextAsync();
            }
            catch (Exception) when (!_site.IsListening)
            {
                return;
            }

            var html = $"<!DOCTYPE html><html lang=\"ar\" dir=\"rtl\"><head><meta charset=\"utf-8\"><title>متجر الورد</title></head><body><h1>متجر الورد</h1><p>زهور طازجة كل يوم.</p>{_snippet}</body></html>";
            var bytes = Encoding.UTF8.GetBytes(html);
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    /// <summary>An admin adds a widget for one site on the chat page; its snippet is what the shop's page carries.</summary>
    private async Task<ILocator> AddWidgetAsync(string origin)
    {
        var admin = await fixture.SignInStaffAsync("admin@demo.ribalta.test", "en");
        await admin.GotoAsync($"{fixture.DemoUrl}/admin/chat");
        await Expect(admin.Locator("form.widget-form[data-live]")).ToBeAttachedAsync();
        var name = $"Shop {Guid.NewGuid():N}"[..13];
        await admin.Locator("#cw-name").FillAsync(name);
        await admin.Locator("#cw-origins").FillAsync(origin);
        await admin.GetByRole(AriaRole.Button, new() { Name = "Add widget" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync(name);
        var card = admin.Locator("article.chat-widget", new() { HasText = name });
        _snippet = await card.Locator("textarea.snippet").InputValueAsync();
        return card;
    }

    [Fact]
    public async Task A_visitor_chats_from_the_companys_site_in_arabic_and_an_agent_answers_live()
    {
        // The admin adds a widget for the shop's site and copies its snippet.
        var card = await AddWidgetAsync(_siteUrl + "/");
        await Expect(card.Locator("code.origin")).ToHaveTextAsync(_siteUrl);
        Assert.Contains("/chat/widget.js", _snippet, StringComparison.Ordinal);

        // An agent watches the unassigned inbox, in Spanish.
        var agent = await fixture.SignInStaffAsync("agent@demo.ribalta.test", "es");
        await agent.GotoAsync($"{fixture.DemoUrl}/cases?view=Unassigned");
        await Expect(agent.Locator("[data-live]:not(.bell)").First).ToBeAttachedAsync();

        // A visitor on the shop's site opens the chat: it speaks Arabic, right to left.
        var visitor = await fixture.NewPageAsync("ar");
        await visitor.GotoAsync(_siteUrl + "/");
        var launcher = visitor.GetByRole(AriaRole.Button, new() { Name = "تحدّث معنا" });
        await launcher.ClickAsync();
        var panel = visitor.GetByRole(AriaRole.Dialog);
        await Expect(panel).ToHaveAttributeAsync("dir", "rtl");
        var words = $"أريد تغيير عنوان التوصيل لطلبي رقم {Random.Shared.Next(1000, 9999)}";
        await panel.GetByLabel("اسمك (اختياري)").FillAsync("سلمى");
        await panel.GetByLabel("كيف يمكننا مساعدتك؟").FillAsync(words);
        await panel.GetByRole(AriaRole.Button, new() { Name = "ابدأ المحادثة" }).ClickAsync();
        await Expect(panel.Locator("li.visitor")).ToContainTextAsync(words);

        // The chat arrives in the agent's inbox without a reload; the case shows the visitor is there.
        var link = agent.GetByRole(AriaRole.Link, new() { Name = words });
        await Expect(link).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await link.ClickAsync();
        await Expect(agent.Locator(".chat-panel .chat-presence")).ToContainTextAsync("está en el chat ahora");
        await Expect(agent.Locator(".chat-panel")).ToContainTextAsync(_siteUrl);

        // The agent answers; the visitor sees it at once, and answers back; the agent sees that live.
        // Typed before the page is live, the words would be wiped when it becomes live.
        await Expect(agent.Locator("form.composer[data-live]")).ToBeAttachedAsync();
        await agent.Locator("#composer-body").FillAsync("مرحبًا سلمى، ما هو العنوان الجديد؟");
        await agent.Locator("form.composer button[type=submit]").ClickAsync();
        await Expect(panel.Locator("li.agent")).ToContainTextAsync("ما هو العنوان الجديد؟");
        await panel.GetByLabel("كيف يمكننا مساعدتك؟").FillAsync("شارع النخيل ١٢، الرياض");
        await panel.GetByRole(AriaRole.Button, new() { Name = "إرسال" }).ClickAsync();
        await Expect(agent.Locator(".messages .body").Last).ToContainTextAsync("شارع النخيل ١٢");
        // Re-rendered by a live event, the page still speaks the agent's language.
        await Expect(agent.Locator(".chat-panel h2")).ToHaveTextAsync("Chat en directo");
        await Expect(agent.Locator(".alert.info").First).ToContainTextAsync("Nueva actividad");

        // A reload finds the conversation again.
        await visitor.ReloadAsync();
        var again = visitor.GetByRole(AriaRole.Dialog);
        await Expect(again.Locator("li.agent")).ToContainTextAsync("ما هو العنوان الجديد؟");
        await Expect(again.Locator("li.visitor")).ToHaveCountAsync(2);

        // The visitor leaves an address and goes; the case says replies now go by email.
        await again.GetByRole(AriaRole.Button, new() { Name = "المتابعة عبر البريد الإلكتروني" }).ClickAsync();
        var address = $"salma.{Guid.NewGuid():N}"[..16] + "@example.com";
        await again.GetByLabel("بريدك الإلكتروني").FillAsync(address);
        await again.Locator("form button[type=submit]").ClickAsync();
        await Expect(again.GetByRole(AriaRole.Status)).ToContainTextAsync(address);
        await agent.ReloadAsync();
        await Expect(agent.Locator(".chat-panel .chat-route")).ToContainTextAsync(address);
    }

    [Fact]
    public async Task A_visitor_who_keeps_starting_chats_reads_why_the_next_one_is_refused_and_keeps_what_they_wrote()
    {
        await AddWidgetAsync(_siteUrl + "/");
        var visitor = await fixture.NewPageAsync("ar");
        await visitor.GotoAsync(_siteUrl + "/");
        await visitor.GetByRole(AriaRole.Button, new() { Name = "تحدّث معنا" }).ClickAsync();
        var panel = visitor.GetByRole(AriaRole.Dialog);
        await panel.GetByLabel("كيف يمكننا مساعدتك؟").FillAsync("هل يصل الطلب غدًا؟");
        await panel.GetByRole(AriaRole.Button, new() { Name = "ابدأ المحادثة" }).ClickAsync();
        await Expect(panel.Locator("li.visitor")).ToContainTextAsync("هل يصل الطلب غدًا؟");

        // The visitor ends it and starts another at once: this browser's visitor id has used its allowance (one, here).
        await panel.GetByRole(AriaRole.Button, new() { Name = "إنهاء المحادثة" }).ClickAsync();
        await panel.GetByRole(AriaRole.Button, new() { Name = "ابدأ محادثة جديدة" }).ClickAsync();
        var second = "وسؤال آخر عن الأسعار";
        await panel.GetByLabel("كيف يمكننا مساعدتك؟").FillAsync(second);
        await panel.GetByRole(AriaRole.Button, new() { Name = "ابدأ المحادثة" }).ClickAsync();
        await Expect(panel.GetByRole(AriaRole.Alert)).ToHaveTextAsync("لقد بدأت عدة محادثات خلال وقت قصير. يُرجى المتابعة في المحادثة المفتوحة لديك، أو المحاولة مرة أخرى لاحقًا.");
        await Expect(panel.GetByLabel("كيف يمكننا مساعدتك؟")).ToHaveValueAsync(second);
    }

    [Fact]
    public async Task The_widget_stays_away_from_a_site_that_is_not_allowed()
    {
        await AddWidgetAsync("https://elsewhere.example");

        var visitor = await fixture.NewPageAsync("en-GB");
        var refused = visitor.WaitForConsoleMessageAsync(new() { Predicate = m => m.Text.Contains("Ribalta chat is not available", StringComparison.Ordinal) });
        await visitor.GotoAsync(_siteUrl + "/");
        await refused;
        await Expect(visitor.Locator("#ribalta-chat")).ToHaveCountAsync(0);
    }
}
