using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ribalta.Customers.Contracts;

namespace Ribalta.Tests.Infrastructure;

/// <summary>Intent-revealing calls on the HTTP API, so tests read as what a user does.</summary>
public static class Api
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static async Task<CustomerDetails> CreateCustomerAsync(this HttpClient client, object input)
    {
        var response = await client.PostAsJsonAsync("/api/v1/customers", input, Json);
        return await response.ReadExpectedAsync<CustomerDetails>(HttpStatusCode.Created, "Create customer");
    }

    /// <summary>
    /// Throws, with the status and the body, when a setup call was not answered <paramref name="expected"/>: a test whose
    /// arrangement failed then says why at once instead of failing further on for a reason it does not show.
    /// </summary>
    public static async Task ExpectAsync(this HttpResponseMessage response, HttpStatusCode expected, string call)
    {
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException($"{call} failed: expected {(int)expected}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>The answer to a setup call as <typeparamref name="T"/>, after <see cref="ExpectAsync"/>.</summary>
    public static async Task<T> ReadExpectedAsync<T>(this HttpResponseMessage response, HttpStatusCode expected, string call)
    {
        await response.ExpectAsync(expected, call);
        return (await response.Content.ReadFromJsonAsync<T>(Json))!;
    }

    public static async Task<CustomerPage> SearchCustomersAsync(this HttpClient client, string query)
    {
        var response = await client.GetAsync($"/api/v1/customers?q={Uri.EscapeDataString(query)}");
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<CustomerPage>(Json))!;
    }

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Json);

    /// <summary>
    /// Asserts a 400 validation problem naming <paramref name="field"/> (and, with <paramref name="saying"/>, a message of that
    /// field containing it); returns that field's messages. The application's problems carry a <c>code</c>: a 400 from
    /// antiforgery, model binding or a missing form handler has none, so it cannot pass for the rule under test.
    /// </summary>
    public static async Task<JsonElement> AssertRefusedAsync(this HttpResponseMessage response, string field, string? saying = null)
    {
        // Read as text, which the content keeps, so a test may ask about several fields of one answer.
        var problem = await ProblemAsync(response);
        Xunit.Assert.True(response.StatusCode == System.Net.HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode}: {problem}");
        Xunit.Assert.True(problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("code", out _), $"expected the application's problem (with a code): {problem}");
        Xunit.Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), $"expected an error for {field}: {problem}");
        if (saying is not null)
        {
            Xunit.Assert.True(messages.EnumerateArray().Any(m => m.GetString()!.Contains(saying, StringComparison.Ordinal)), $"expected {field} to say \"{saying}\": {problem}");
        }

        return messages;
    }

    /// <summary>Asserts a problem with <paramref name="status"/> and the application's <paramref name="code"/> (the message key of the rule that refused).</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, System.Net.HttpStatusCode status, string code)
    {
        var problem = await ProblemAsync(response);
        Xunit.Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {problem}");
        Xunit.Assert.True(problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("code", out var actual) && actual.GetString() == code, $"expected code {code}: {problem}");
        return problem;
    }

    /// <summary>Asserts a 400 because the body is not JSON the endpoint can read (not a rule of the application, and not antiforgery).</summary>
    public static async Task AssertUnreadableJsonAsync(this HttpResponseMessage response)
    {
        var problem = await ProblemAsync(response);
        Xunit.Assert.True(response.StatusCode == System.Net.HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode}: {problem}");
        Xunit.Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Xunit.Assert.Equal("The request could not be read.", problem.GetProperty("title").GetString());
        Xunit.Assert.Contains("from the request body as JSON", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        try
        {
            return JsonSerializer.Deserialize<JsonElement>(text, Json);
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(text, Json); // not JSON at all: shown as a string in the failure
        }
    }

    /// <summary>A value unique to this call, for data that must not collide with other tests on the shared database.</summary>
    public static string Unique(string prefix = "t") => $"{prefix}{Guid.NewGuid():N}"[..(prefix.Length + 10)];
}
