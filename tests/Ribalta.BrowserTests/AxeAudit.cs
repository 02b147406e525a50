using System.Reflection;
using System.Text;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.AspNetCore.Components;
using Microsoft.Playwright;

namespace Ribalta.BrowserTests;

/// <summary>
/// Runs axe-core on the pages a walk visits, in one language, and keeps what it finds: the critical and serious
/// violations (page, rule, impact, element), and which routable pages were seen, so a page nobody visits is noticed.
/// </summary>
public sealed class AxeAudit(string language)
{
    /// <summary>The impacts that fail the check; "moderate" and "minor" are reported by axe but do not fail.</summary>
    private static readonly string[] Failing = ["critical", "serious"];

    /// <summary>Ribalta's pages have no frames; the widget's panel is in an open shadow root, which axe reads anyway.</summary>
    private static readonly AxeRunOptions RunOptions = new() { Iframes = false };

    private readonly List<string> _problems = [];
    private readonly HashSet<string> _visited = new(StringComparer.Ordinal);

    public string Language { get; } = language;

    public int Checked { get; private set; }

    /// <summary>Every page route of the application: the templates of the Razor components' <c>@page</c> directives.</summary>
    public static IReadOnlySet<string> RoutablePages { get; } = typeof(Program).Assembly.GetTypes()
        .SelectMany(type => type.GetCustomAttributes<RouteAttribute>(inherit: false))
        .Select(route => route.Template)
        .ToHashSet(StringComparer.Ordinal);

    /// <summary>Opens <paramref name="url"/> and checks it as <paramref name="route"/> (the <c>@page</c> template it matches).</summary>
    public async Task VisitAsync(IPage page, string route, string url, string who)
    {
        await page.GotoAsync(url);
        await CheckAsync(page, route, who);
    }

    /// <summary>Checks the page as it is now (after the live render, if it has one) in the audit's language.</summary>
    public async Task CheckAsync(IPage page, string route, string who)
    {
        // The page is prerendered, then the live circuit may replace parts of it; check what a person then sees.
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var where = $"{route} as {who} ({new Uri(page.Url).PathAndQuery})";
        var lang = await page.Locator("html").GetAttributeAsync("lang");
        if (lang != Language)
        {
            _problems.Add($"{where}: the page is in \"{lang}\", not \"{Language}\"; the walk did not reach the page it meant to check");
            return;
        }

        // Legacy mode: axe runs once, inside the page. The default mode also opens a blank page per run to merge
        // per-frame results, which Ribalta's frameless pages do not need and which doubles the cost of the walk (same
        // rules, same results, measured on the case list). Should a later package drop it, page.RunAxe(RunOptions) is the
        // same check, only slower.
#pragma warning disable CS0618
        var result = await page.Locator("html").RunAxeLegacy(RunOptions);
#pragma warning restore CS0618
        Checked++;
        _visited.Add(route);
        foreach (var violation in result.Violations.Where(v => Failing.Contains(v.Impact, StringComparer.Ordinal)))
        {
            foreach (var node in violation.Nodes)
            {
                _problems.Add($"{where}: {violation.Id} ({violation.Impact}) at {node.Target} — {violation.Help}. {Summary(node)}");
            }
        }
    }

    /// <summary>Fails with every problem found, one a line, and with the routable pages the walk did not check.</summary>
    public void AssertClean()
    {
        if (RoutablePages.Count == 0 || Checked == 0)
        {
            throw new Xunit.Sdk.XunitException($"[{Language}] nothing was checked: {RoutablePages.Count} routes found, {Checked} pages checked.");
        }

        var report = new StringBuilder();
        var missing = RoutablePages.Except(_visited).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            report.AppendLine($"[{Language}] pages no accessibility walk visits (add them to {nameof(AccessibilityTests)}): {string.Join(", ", missing)}");
        }

        if (_problems.Count > 0)
        {
            report.AppendLine($"[{Language}] {_problems.Count} critical or serious accessibility problem(s) on {Checked} page(s) checked:");
            foreach (var problem in _problems)
            {
                report.AppendLine("  " + problem);
            }
        }

        if (report.Length > 0)
        {
            throw new Xunit.Sdk.XunitException(report.ToString());
        }
    }

    private static string Summary(AxeResultNode node)
    {
        var html = node.Html ?? "";
        return html.Length > 160 ? html[..160] + "…" : html;
    }
}
