using AngleSharp.Html.Parser;
using Ribalta.Channels.Email;
using Xunit;

namespace Ribalta.Tests.Unit;

/// <summary>
/// The sanitiser of inbound HTML mail, rule by rule: which URLs and schemes survive, what happens to inline, remote and
/// data images, links, styles that could place or fetch things, and the document it is served in. The corpus tests
/// run real mail through it; these pin each rule so that loosening one turns a test red.
/// </summary>
[Trait("Suite", "Unit")]
public sealed class EmailHtmlTests
{
    private static readonly Dictionary<string, string> NoImages = [];

    private const string Pixel = "data:image/png;base64,iVBORw0KGgo=";

    private static AngleSharp.Dom.IElement Body(string html, bool remoteImages = false, IReadOnlyDictionary<string, string>? inline = null) =>
        new HtmlParser().ParseDocument(EmailHtml.Sanitize(html, inline ?? NoImages, remoteImages)).Body!;

    [Fact]
    public void The_policy_allows_remote_images_only_when_asked()
    {
        const string Rest = "; style-src 'unsafe-inline'; font-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";
        Assert.Equal("default-src 'none'; img-src data:" + Rest, EmailHtml.Policy(remoteImages: false));
        Assert.Equal("default-src 'none'; img-src data: https: http:" + Rest, EmailHtml.Policy(remoteImages: true));
    }

    [Fact]
    public void The_document_has_no_referrer_utf8_and_the_mail_in_its_body()
    {
        var document = EmailHtml.Sanitize("<p>Ciao</p>", NoImages, remoteImages: false);
        Assert.StartsWith("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta name=\"referrer\" content=\"no-referrer\"><style>body{font-family:system-ui,sans-serif;", document, StringComparison.Ordinal);
        Assert.EndsWith("img{max-width:100%;height:auto}</style></head><body><p>Ciao</p></body></html>", document, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://example.org/a", true)]
    [InlineData("http://example.org/a", true)]
    [InlineData("mailto:ana@example.org", true)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("ftp://example.org/a", false)]
    [InlineData("data:text/html;base64,PHNjcmlwdD4=", false)]
    [InlineData("data:image/png;base64,iVBORw0KGgo=", false)]
    public void Links_keep_web_and_mail_addresses_only_and_open_apart(string href, bool kept)
    {
        var link = Body($"<a href=\"{href}\">x</a>").QuerySelector("a")!;
        Assert.Equal(kept ? href : null, link.GetAttribute("href"));
        Assert.Equal("_blank", link.GetAttribute("target"));
        Assert.Equal("noopener noreferrer nofollow", link.GetAttribute("rel"));
    }

    [Fact]
    public void Inline_images_are_embedded_and_unknown_ones_lose_their_source()
    {
        var inline = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["logo@shop.example"] = Pixel };
        var body = Body("<img src=\"cid:logo@shop.example\"><img src=\"cid:&lt;logo@shop.example&gt;\"><img src=\"cid:other@shop.example\">", inline: inline);
        var images = body.QuerySelectorAll("img");
        Assert.Equal(3, images.Length);
        Assert.Equal(Pixel, images[0].GetAttribute("src"));
        Assert.Equal(Pixel, images[1].GetAttribute("src"));
        Assert.False(images[2].HasAttribute("src"));
    }

    [Fact]
    public void Remote_images_are_blocked_and_marked_until_allowed_and_data_images_always_show()
    {
        const string Html = "<img src=\"https://track.example/p.gif\" srcset=\"https://track.example/p2.gif 2x\"><img src=\"" + Pixel + "\"><img src=\"data:text/html;base64,PHNjcmlwdD4=\">";
        var blocked = Body(Html).QuerySelectorAll("img");
        Assert.Equal(3, blocked.Length);
        var remote = blocked[0];
        Assert.False(remote.HasAttribute("src"));
        Assert.False(remote.HasAttribute("srcset"));
        Assert.Equal("remote", remote.GetAttribute("data-blocked"));
        Assert.Equal("border:1px dashed #999;min-width:16px;min-height:16px;display:inline-block", remote.GetAttribute("style"));
        Assert.Equal(Pixel, blocked[1].GetAttribute("src"));
        Assert.False(blocked[2].HasAttribute("src"));

        var allowed = Body(Html, remoteImages: true).QuerySelectorAll("img");
        Assert.Equal("https://track.example/p.gif", allowed[0].GetAttribute("src"));
        Assert.False(allowed[0].HasAttribute("data-blocked"));
        Assert.Equal(Pixel, allowed[1].GetAttribute("src"));
    }

    [Theory]
    [InlineData("background-image: url(https://track.example/b.png)")]
    [InlineData("background: url(https://track.example/b.png)")]
    [InlineData("list-style-image: url(https://track.example/b.png)")]
    [InlineData("content: url(https://track.example/b.png)")]
    public void Styles_that_fetch_images_go_while_remote_images_are_blocked(string style)
    {
        var property = style[..style.IndexOf(':', StringComparison.Ordinal)];
        var blocked = Body($"<div style=\"color: red; {style}\">x</div>").QuerySelector("div")!.GetAttribute("style") ?? "";
        Assert.Contains("color", blocked, StringComparison.Ordinal);
        Assert.DoesNotContain(property + ":", blocked, StringComparison.Ordinal);
        var allowed = Body($"<div style=\"color: red; {style}\">x</div>", remoteImages: true).QuerySelector("div")!.GetAttribute("style") ?? "";
        Assert.Contains(property + ":", allowed, StringComparison.Ordinal);
    }

    [Fact]
    public void Position_forms_and_scripts_go_and_direction_and_language_stay()
    {
        var body = Body("<p dir=\"rtl\" lang=\"ar\" style=\"position: fixed; color: red\">مرحبا</p><form action=\"https://evil.example\"><input name=p></form><script>alert(1)</script>");
        var p = body.QuerySelector("p")!;
        Assert.Equal("rtl", p.GetAttribute("dir"));
        Assert.Equal("ar", p.GetAttribute("lang"));
        Assert.DoesNotContain("position", p.GetAttribute("style") ?? "", StringComparison.Ordinal);
        Assert.Null(body.QuerySelector("form"));
        Assert.Null(body.QuerySelector("script"));
    }
}
