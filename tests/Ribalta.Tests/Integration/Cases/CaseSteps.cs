using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Ribalta.Cases.Contracts;
using Ribalta.Tests.Infrastructure;

namespace Ribalta.Tests.Integration.Cases;

/// <summary>Cases as a test sets them up: opened by staff or from the portal, changed with the version read, given files.</summary>
public static partial class CaseSteps
{
    /// <summary>
    /// <c>POST /api/v1/cases</c> with <paramref name="request"/> (<c>customerId</c>, <c>subject</c>, <c>body</c> and whatever
    /// else the test needs: <c>channel</c>, <c>language</c>, <c>priority</c>, <c>departmentId</c>); the case opened.
    /// </summary>
    public static async Task<CaseDetails> OpenCaseAsync(this HttpClient staff, object request) =>
        await (await staff.PostAsJsonAsync("/api/v1/cases", request, Api.Json)).ReadExpectedAsync<CaseDetails>(HttpStatusCode.Created, "Open case");

    /// <summary>A new customer called <paramref name="customerName"/>, speaking <paramref name="language"/>, and a case of theirs taken by phone in it.</summary>
    public static async Task<CaseDetails> OpenPhoneCaseAsync(this HttpClient agent, string customerName, string language, string subject, string body)
    {
        var customer = await agent.CreateCustomerAsync(new { displayName = customerName, preferredLanguage = language });
        return await agent.OpenCaseAsync(new { customerId = customer.Id, subject, body, channel = "Phone", language });
    }

    /// <summary><c>PATCH /api/v1/cases/{id}</c> with If-Match on the version the caller read; the answer, for the test to judge.</summary>
    public static Task<HttpResponseMessage> PatchCaseAsync(this HttpClient client, long caseId, int version, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/cases/{caseId}") { Content = JsonContent.Create(body, options: Api.Json) };
        request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{version}\""));
        return client.SendAsync(request);
    }

    /// <inheritdoc cref="PatchCaseAsync(HttpClient, long, int, object)"/>
    public static Task<HttpResponseMessage> PatchCaseAsync(this HttpClient client, CaseDetails read, object body) => client.PatchCaseAsync(read.Id, read.Version, body);

    /// <summary>A customer signed in to the portal opens a request with the new-request form, as a browser would; its case number.</summary>
    public static async Task<long> OpenFromPortalAsync(this HttpClient customer, string subject, string body)
    {
        var response = await customer.SubmitAsync("/portal/cases/new", "portal-new-case", new Dictionary<string, string> { ["Input.Subject"] = subject, ["Input.Body"] = body });
        await response.ExpectAsync(HttpStatusCode.Redirect, "Open a request on the portal");
        return PortalCaseNumber(response);
    }

    /// <summary>The case number in the portal address a response sends the browser to (<c>/portal/cases/{number}</c>).</summary>
    public static long PortalCaseNumber(HttpResponseMessage response) =>
        long.Parse(PortalCasePath().Match(response.Headers.Location!.ToString()).Groups[1].Value, CultureInfo.InvariantCulture);

    /// <summary>A file uploaded to the case (to go with a reply or a note); the type is sniffed from its bytes.</summary>
    public static async Task<AttachmentDto> UploadAsync(this HttpClient staff, long caseId, string fileName, byte[] content)
    {
        var file = new ByteArrayContent(content) { Headers = { ContentType = new("application/octet-stream") } };
        var response = await staff.PostAsync($"/api/v1/cases/{caseId}/attachments?fileName={Uri.EscapeDataString(fileName)}", file);
        return await response.ReadExpectedAsync<AttachmentDto>(HttpStatusCode.OK, "Upload attachment");
    }

    [GeneratedRegex(@"/portal/cases/(\d+)")]
    private static partial Regex PortalCasePath();
}
