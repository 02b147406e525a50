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
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Create customer failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        return (await response.Content.ReadFromJsonAsync<CustomerDetails>(Json))!;
    }

    public static async Task<CustomerPage> SearchCustomersAsync(this HttpClient client, string query)
    {
        var response = await client.GetAsync($"/api/v1/customers?q={Uri.EscapeDataString(query)}");
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<CustomerPage>(Json))!;
    }

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Json);

    /// <summary>Asserts a 400 validation problem naming <paramref name="field"/>; returns that field's messages.</summary>
    public static async Task<JsonElement> AssertRefusedAsync(this HttpResponseMessage response, string field)
    {
        // Read as text, which the content keeps, so a test may ask about several fields of one answer.
        var problem = JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync(), Json);
        Xunit.Assert.True(response.StatusCode == System.Net.HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode}: {problem}");
        Xunit.Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), $"expected an error for {field}: {problem}");
        return messages;
    }

    /// <summary>A value unique to this call, for data that must not collide with other tests on the shared database.</summary>
    public static string Unique(string prefix = "t") => $"{prefix}{Guid.NewGuid():N}"[..(prefix.Length + 10)];
}
