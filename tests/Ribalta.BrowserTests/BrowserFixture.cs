using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Ribalta.Tests.Infrastructure;
using Xunit;

namespace Ribalta.BrowserTests;

/// <summary>
/// Ribalta on a real loopback port (Kestrel), with the demo organisation seeded, and Debian's Chromium driven by
/// Playwright. A second, empty installation serves the first-run test. Never skips: no Chromium is a failure.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly List<string> _directories = [];
    private readonly List<IBrowserContext> _contexts = [];
    private IPlaywright? _playwright;

    public RibaltaApp Demo { get; private set; } = null!;

    public RibaltaApp Empty { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public string DemoUrl { get; private set; } = "";

    public string EmptyUrl { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"Chromium is not installed at {ChromiumPath}. Run ./test.sh, which installs it, or `apt-get install chromium`.");
        }

        (Demo, DemoUrl) = Start(new Dictionary<string, string?> { ["Demo:Enabled"] = "true", ["Demo:Customers"] = "40", ["Empowerment:PromiseCheckSeconds"] = "1",
            // One new chat per visitor an hour, so the widget's refusal can be seen with two starts.
            ["Chat:StartsPerHourPerVisitor"] = "1" });
        (Empty, EmptyUrl) = Start(new Dictionary<string, string?>());

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>A fresh browser context (its own cookies), in the given language.</summary>
    public async Task<IPage> NewPageAsync(string locale = "en-GB")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { Locale = locale, ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        context.SetDefaultTimeout(15_000);
        lock (_contexts)
        {
            _contexts.Add(context);
        }

        return await context.NewPageAsync();
    }

    public const string DemoPassword = "ribalta-demo-2026";

    /// <summary>An API client signed in as a new member of staff with this role, over the demo server's real port.</summary>
    public async Task<HttpClient> DemoApiAsync(string role)
    {
        var email = $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@staff.test";
        await Demo.CreateStaffAsync(email, "API " + role, [role]);
        var client = new HttpClient(new HttpClientHandler { UseCookies = true }) { BaseAddress = new Uri(DemoUrl) };
        (await client.PostAsJsonAsync("/api/v1/session", new { email, password = RibaltaApp.Password })).EnsureSuccessStatusCode();
        return client;
    }

    /// <summary>
    /// Signs a demo member of staff in from an English browser. They have a preferred language, which the
    /// workspace then speaks; <paramref name="thenLanguage"/> switches to another (null: keep theirs).
    /// </summary>
    public async Task<IPage> SignInStaffAsync(string email, string? thenLanguage = "en", string password = DemoPassword)
    {
        var page = await NewPageAsync();
        await page.GotoAsync($"{DemoUrl}/login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync($"{DemoUrl}/");
        if (thenLanguage is not null)
        {
            await page.GotoAsync($"{DemoUrl}/culture/{thenLanguage}?returnUrl=%2F");
            await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", thenLanguage);
        }

        return page;
    }

    /// <summary>Closes every page a test opened, so no circuit of an earlier test lingers and listens.</summary>
    public async Task CloseContextsAsync()
    {
        IBrowserContext[] open;
        lock (_contexts)
        {
            open = [.. _contexts];
            _contexts.Clear();
        }

        foreach (var context in open)
        {
            await context.CloseAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        foreach (var app in new[] { Demo, Empty })
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var directory in _directories)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private (RibaltaApp App, string Url) Start(Dictionary<string, string?> settings)
    {
        var directory = Path.Combine(Path.GetTempPath(), "ribalta-browser-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        _directories.Add(directory);
        var app = new RibaltaApp("Sqlite", $"Data Source={Path.Combine(directory, "ribalta.db")}", directory, settings) { UseFakeClock = false };
        app.UseKestrel(0);
        app.StartServer();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/'));
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
