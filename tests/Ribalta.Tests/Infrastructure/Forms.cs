using System.Net;
using System.Text.RegularExpressions;

namespace Ribalta.Tests.Infrastructure;

/// <summary>Submits server-rendered forms the way a browser without JavaScript does: read the page, post its hidden fields back.</summary>
public static partial class Forms
{
    public static async Task<HttpResponseMessage> SubmitAsync(
        this HttpClient client, string pageUrl, string? formName, IDictionary<string, string>? fields = null, IReadOnlyList<(string Field, string FileName, byte[] Content)>? files = null)
    {
        var page = await client.GetAsync(pageUrl);
        var html = await page.Content.ReadAsStringAsync();
        if (page.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET {pageUrl} answered {(int)page.StatusCode}");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["__RequestVerificationToken"] = AntiforgeryToken(html),
        };
        if (formName is not null)
        {
            values["_handler"] = formName;
        }

        foreach (var (key, value) in fields ?? new Dictionary<string, string>())
        {
            values[key] = value;
        }

        if (files is null)
        {
            return await client.PostAsync(pageUrl, new FormUrlEncodedContent(values));
        }

        // multipart/form-data, as a browser sends a form with file inputs.
        using var multipart = new MultipartFormDataContent();
        foreach (var (key, value) in values)
        {
            multipart.Add(new StringContent(value), key);
        }

        foreach (var (field, fileName, content) in files)
        {
            multipart.Add(new ByteArrayContent(content), field, fileName);
        }

        return await client.PostAsync(pageUrl, multipart);
    }

    public static string AntiforgeryToken(string html) =>
        TokenPattern().Match(html) is { Success: true } match
            ? WebUtility.HtmlDecode(match.Groups[1].Value)
            : throw new InvalidOperationException("No antiforgery token on the page");

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
