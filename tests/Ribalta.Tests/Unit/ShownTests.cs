using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Ribalta.Platform;
using Ribalta.Platform.Localization;
using Xunit;

namespace Ribalta.Tests.Unit;

/// <summary>Times in the organisation's zone, not the server's; names and times isolated inside sentences.</summary>
[Trait("Suite", "Unit")]
public sealed class ShownTests
{
    private const char Fsi = '\u2068';
    private const char Pdi = '\u2069';

    private static readonly DateTimeOffset LateAtNight = new(2026, 12, 8, 1, 40, 0, TimeSpan.Zero);

    private static Shown In(string zone) => new(Options.Create(new OrganisationOptions { TimeZone = zone }));

    [Fact]
    public void A_time_is_shown_in_the_organisations_zone_and_isolated()
    {
        var rome = In("Europe/Rome");
        Assert.Equal($"{Fsi}02:40{Pdi}", InCulture("it", () => rome.Time(LateAtNight, "t")));
        Assert.Equal("02:40", InCulture("it", () => rome.Plain(LateAtNight, "t")));

        // The day is the organisation's too: 23:30 UTC on the 7th is already the 8th in Rome, still the 7th in New York.
        var beforeMidnightUtc = new DateTimeOffset(2026, 12, 7, 23, 30, 0, TimeSpan.Zero);
        Assert.Equal("08/12/2026", InCulture("it", () => rome.Plain(beforeMidnightUtc, "d")));
        Assert.Equal("12/7/2026", InCulture("en", () => In("America/New_York").Plain(beforeMidnightUtc, "d")));
        Assert.Equal("01:40", InCulture("it", () => In("UTC").Plain(LateAtNight, "t")));
    }

    [Fact]
    public void A_value_is_isolated_and_nothing_stays_nothing()
    {
        Assert.Equal($"{Fsi}Sam Whitaker{Pdi}", Shown.Isolated("Sam Whitaker"));
        Assert.Equal("", Shown.Isolated(null));
        Assert.Equal("", Shown.Isolated(""));
    }

    [Fact]
    public void A_name_and_a_time_in_an_arabic_sentence_each_keep_their_own_direction()
    {
        var rome = In("Europe/Rome");
        var localizer = new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance)
            .Create(typeof(Strings));

        var (sentence, time) = InCulture("ar", () =>
            (localizer["Resolve.GrantedBy", Shown.Isolated("Sam Whitaker"), rome.Time(LateAtNight)].Value, rome.Plain(LateAtNight)));

        // "بواسطة {0}، {1}": the Arabic words outside, each value whole inside its own isolate.
        Assert.Equal($"بواسطة {Fsi}Sam Whitaker{Pdi}، {Fsi}{time}{Pdi}", sentence);
        Assert.Contains("2:40", time, StringComparison.Ordinal);

        // Nothing Latin or numeric is left outside an isolate, where it would join its neighbours' run.
        Assert.Equal("بواسطة ، ", Regex.Replace(sentence, $"{Fsi}[^{Pdi}]*{Pdi}", ""));
    }

    [Fact]
    public async Task On_a_page_each_isolated_value_is_a_bdi_element_and_the_text_keeps_no_marks()
    {
        Assert.Equal("بواسطة <bdi>Sam Whitaker</bdi>، <bdi>8/12/2026 2:40</bdi>", await RenderAsync($"بواسطة {Fsi}Sam Whitaker{Pdi}، {Fsi}8/12/2026 2:40{Pdi}"));

        // Isolates inside isolates ("asked Returns (Sam)"), values that look like markup, and marks that do not pair.
        Assert.Equal("asked <bdi><bdi>Returns</bdi> (<bdi>Sam</bdi>)</bdi> · now", await RenderAsync($"asked {Fsi}{Fsi}Returns{Pdi} ({Fsi}Sam{Pdi}){Pdi} · now"));
        Assert.Equal("by <bdi>&lt;b&gt;Mallory&lt;/b&gt;</bdi>", await RenderAsync($"by {Fsi}<b>Mallory</b>{Pdi}"));
        Assert.Equal($"a{Pdi} b <bdi>c</bdi>", await RenderAsync($"a{Pdi} b {Fsi}c"));
        Assert.Equal("Welcome", await RenderAsync("Welcome"));
    }

    private static async Task<string> RenderAsync(string text)
    {
        // Letters as letters (the default encoder writes every non-ASCII letter as an entity), markup still encoded.
        await using var services = new ServiceCollection().AddSingleton(HtmlEncoder.Create(UnicodeRanges.All)).BuildServiceProvider();
        await using var renderer = new HtmlRenderer(services, NullLoggerFactory.Instance);
        return await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync<Sentence>(ParameterView.FromDictionary(new Dictionary<string, object?> { ["Text"] = text }))).ToHtmlString());
    }

    private static T InCulture<T>(string name, Func<T> work)
    {
        var (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (new CultureInfo(name), new CultureInfo(name));
        try
        {
            return work();
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, uiCulture);
        }
    }
}
