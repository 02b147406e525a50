using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Ribalta.Customers.Contracts;
using Ribalta.Tests.Infrastructure;
using Xunit;

namespace Ribalta.Tests.Integration.Customers;

public abstract class CustomerTests(RibaltaApp app)
{
    protected RibaltaApp App { get; } = app;

    [Fact]
    public async Task A_customer_is_a_person_with_language_contact_points_and_notes()
    {
        var agent = await App.AsFrontline();
        var email = Api.Unique("ada") + "@example.org";
        var created = await agent.CreateCustomerAsync(new
        {
            displayName = "Ada Lovelace",
            preferredLanguage = "en",
            relationship = "Distributor",
            organisation = "Analytical Engines Ltd",
            emails = new[] { email },
            phones = new[] { "+44 20 7946 0000" },
            notes = "Prefers a call in the morning.",
            consent = new { email = true, phone = false, surveys = true, marketing = false },
        });

        var response = await agent.GetAsync($"/api/v1/customers/{created.Id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        var customer = (await response.Content.ReadFromJsonAsync<CustomerDetails>(Api.Json))!;
        Assert.Equal("Ada Lovelace", customer.DisplayName);
        Assert.Equal(RelationshipType.Distributor, customer.Relationship);
        Assert.Equal("Analytical Engines Ltd", customer.Organisation);
        Assert.Contains(customer.ContactPoints, p => p.Kind == ContactKind.Email && p.Value == email);
        Assert.Contains(customer.ContactPoints, p => p.Kind == ContactKind.Phone);
        Assert.True(customer.Consent.Surveys);
        Assert.False(customer.Consent.Phone);

        var timeline = await (await agent.GetAsync($"/api/v1/customers/{created.Id}/timeline")).ReadJsonAsync();
        Assert.Equal("customer.created", timeline.GetProperty("items")[0].GetProperty("type").GetString());
    }

    [Fact]
    public async Task Invalid_input_is_refused_field_by_field_and_nothing_is_written()
    {
        var agent = await App.AsFrontline();
        var marker = Api.Unique("invalid");
        var response = await agent.PostAsJsonAsync("/api/v1/customers", new
        {
            displayName = "",
            preferredLanguage = "xx",
            emails = new[] { $"{marker}-not-an-email" },
            phones = new[] { "call me" },
            notes = new string('n', 5000),
        });

        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await response.AssertRefusedAsync("displayName", "required");
        await response.AssertRefusedAsync("preferredLanguage", "\"xx\"");
        await response.AssertRefusedAsync("emails", "not-an-email");
        await response.AssertRefusedAsync("phones", "\"call me\"");
        await response.AssertRefusedAsync("notes", "At most");

        Assert.Empty((await agent.SearchCustomersAsync(marker)).Items);
    }

    [Fact]
    public async Task Malformed_json_and_unknown_enum_values_get_a_problem_not_a_crash()
    {
        var agent = await App.AsFrontline();
        var malformed = await agent.PostAsync("/api/v1/customers", new StringContent("{\"displayName\": ", Encoding.UTF8, "application/json"));
        await malformed.AssertUnreadableJsonAsync();

        var badEnum = await agent.PostAsync("/api/v1/customers", new StringContent("{\"displayName\":\"X\",\"relationship\":\"Overlord\"}", Encoding.UTF8, "application/json"));
        await badEnum.AssertUnreadableJsonAsync();
    }

    [Fact]
    public async Task Script_in_a_name_is_stored_as_text_and_rendered_escaped()
    {
        var agent = await App.AsFrontline();
        var created = await agent.CreateCustomerAsync(new { displayName = "<script>alert('x')</script> Eve" });
        Assert.Equal("<script>alert('x')</script> Eve", created.DisplayName);

        var html = await (await agent.GetAsync($"/customers/{created.Id}")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>alert('x')</script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_email_belongs_to_one_person()
    {
        var agent = await App.AsFrontline();
        var email = Api.Unique("shared") + "@example.org";
        await agent.CreateCustomerAsync(new { displayName = "First Owner", emails = new[] { email } });

        var second = await agent.PostAsJsonAsync("/api/v1/customers", new { displayName = "Second", emails = new[] { email.ToUpperInvariant() } });
        await second.AssertRefusedAsync("emails", "already belongs to First Owner");
    }

    [Fact]
    public async Task Edits_need_the_version_that_was_read()
    {
        var agent = await App.AsFrontline();
        var created = await agent.CreateCustomerAsync(new { displayName = "Giulia Ferrari", preferredLanguage = "it" });
        var url = $"/api/v1/customers/{created.Id}";

        var withoutIfMatch = await agent.PutAsJsonAsync(url, new { displayName = "Giulia F." });
        Assert.Equal((HttpStatusCode)428, withoutIfMatch.StatusCode);

        var first = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(new { displayName = "Giulia Ferrari Rossi", preferredLanguage = "it" }) };
        first.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
        var saved = await agent.SendAsync(first);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal("\"2\"", saved.Headers.ETag?.Tag);

        var stale = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(new { displayName = "Overwritten" }) };
        stale.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await agent.SendAsync(stale)).StatusCode);

        var now = (await (await agent.GetAsync(url)).Content.ReadFromJsonAsync<CustomerDetails>(Api.Json))!;
        Assert.Equal("Giulia Ferrari Rossi", now.DisplayName);

        var timeline = await (await agent.GetAsync($"{url}/timeline")).ReadJsonAsync();
        var edited = timeline.GetProperty("items")[0];
        Assert.Equal("customer.edited", edited.GetProperty("type").GetString());
        Assert.Contains("displayName", edited.GetProperty("payload").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Niccolò Perché", "niccolo")]
    [InlineData("Niccolò Perché", "PERCHE")]
    [InlineData("Íñigo Núñez", "inigo nun")]
    [InlineData("مُحَمَّد الأحمد", "محمد")]
    [InlineData("فاطمة إبراهيم", "ابراهيم")]
    [InlineData("Zoë O'Brien", "zoe")]
    public async Task Search_ignores_case_accents_and_arabic_spelling_variants(string name, string query)
    {
        var agent = await App.AsFrontline();
        var tag = Api.Unique("tag");
        var created = await agent.CreateCustomerAsync(new { displayName = $"{name} {tag}" });

        var page = await agent.SearchCustomersAsync($"{query} {tag}");
        Assert.Contains(page.Items, c => c.Id == created.Id);
    }

    [Fact]
    public async Task Search_finds_by_email_and_by_phone_however_it_is_typed()
    {
        var agent = await App.AsFrontline();
        var local = Api.Unique("mail");
        var digits = Random.Shared.NextInt64(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var created = await agent.CreateCustomerAsync(new { displayName = "Carmen López", emails = new[] { $"{local}@ejemplo.es" }, phones = new[] { $"+34 6{digits}" } });

        Assert.Contains((await agent.SearchCustomersAsync($"{local}@ejemplo.es")).Items, c => c.Id == created.Id);
        Assert.Contains((await agent.SearchCustomersAsync(local)).Items, c => c.Id == created.Id);
        Assert.Contains((await agent.SearchCustomersAsync($"+34 6{digits}")).Items, c => c.Id == created.Id);

        // Without the country code, spaced as people say it.
        Assert.Contains((await agent.SearchCustomersAsync($"6{digits[..2]} {digits[2..5]} {digits[5..]}")).Items, c => c.Id == created.Id);
    }

    [Fact]
    public async Task Search_pages_with_a_cursor_and_never_repeats_a_row()
    {
        var agent = await App.AsFrontline();
        var tag = Api.Unique("page");
        for (var i = 0; i < 5; i++)
        {
            await agent.CreateCustomerAsync(new { displayName = $"Paged {tag} {i}" });
        }

        var seen = new List<Guid>();
        string? after = null;
        do
        {
            var page = (await agent.GetFromJsonAsync<CustomerPage>($"/api/v1/customers?q={tag}&limit=2&after={after}", Api.Json))!;
            seen.AddRange(page.Items.Select(i => i.Id));
            after = page.Next;
        }
        while (after is not null);

        Assert.Equal(5, seen.Count);
        Assert.Equal(5, seen.Distinct().Count());
    }

    [Fact]
    public async Task Merging_a_duplicate_keeps_every_contact_point_and_the_history()
    {
        var lead = await App.AsStaff("TeamLead");
        var a = await lead.CreateCustomerAsync(new { displayName = "Marco Rossi", emails = new[] { Api.Unique("marco") + "@esempio.it" }, consent = new { email = true, phone = true, surveys = true, marketing = true } });
        var bEmail = Api.Unique("m.rossi") + "@esempio.it";
        var b = await lead.CreateCustomerAsync(new { displayName = "M. Rossi", emails = new[] { bEmail }, notes = "Called about the March invoice.", consent = new { email = true, phone = true, surveys = true, marketing = false } });

        var merge = await lead.PostAsJsonAsync($"/api/v1/customers/{a.Id}/merge", new { sourceId = b.Id });
        Assert.Equal(HttpStatusCode.OK, merge.StatusCode);
        var merged = (await merge.Content.ReadFromJsonAsync<CustomerDetails>(Api.Json))!;
        Assert.Contains(merged.ContactPoints, p => p.Value == bEmail);
        Assert.Contains("March invoice", merged.Notes, StringComparison.Ordinal);
        Assert.False(merged.Consent.Marketing);

        var source = (await lead.GetFromJsonAsync<CustomerDetails>($"/api/v1/customers/{b.Id}", Api.Json))!;
        Assert.Equal(a.Id, source.MergedIntoId);
        Assert.Empty(source.ContactPoints);

        var found = await lead.SearchCustomersAsync(bEmail);
        Assert.Equal([a.Id], found.Items.Select(i => i.Id).ToArray());

        var timeline = await (await lead.GetAsync($"/api/v1/customers/{a.Id}/timeline")).ReadJsonAsync();
        var types = timeline.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Contains("customer.merged", types);
        Assert.Equal(2, types.Count(t => t == "customer.created"));

        var again = await lead.PostAsJsonAsync($"/api/v1/customers/{a.Id}/merge", new { sourceId = b.Id });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var self = await lead.PostAsJsonAsync($"/api/v1/customers/{a.Id}/merge", new { sourceId = a.Id });
        await self.AssertRefusedAsync("sourceId", "merged with itself");
    }

    [Fact]
    public async Task Frontline_cannot_merge()
    {
        var agent = await App.AsFrontline();
        var a = await agent.CreateCustomerAsync(new { displayName = "One" });
        var b = await agent.CreateCustomerAsync(new { displayName = "Two" });
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsJsonAsync($"/api/v1/customers/{a.Id}/merge", new { sourceId = b.Id })).StatusCode);
    }

    [Fact]
    public async Task Unknown_customer_ids_are_404()
    {
        var agent = await App.AsFrontline();
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync($"/api/v1/customers/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync($"/api/v1/customers/{Guid.NewGuid()}/timeline")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.PostAsync($"/api/v1/customers/{Guid.NewGuid()}/portal-links", null)).StatusCode);
    }

    [Fact]
    public async Task Problems_speak_the_callers_language()
    {
        var agent = await App.AsFrontline();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/customers") { Content = JsonContent.Create(new { displayName = "" }) };
        request.Headers.AcceptLanguage.ParseAdd("it-IT,it;q=0.9");
        var problem = await (await agent.SendAsync(request)).ReadJsonAsync();
        Assert.Equal("Controlla i campi evidenziati.", problem.GetProperty("title").GetString());
        Assert.Equal("Questo campo è obbligatorio.", problem.GetProperty("errors").GetProperty("displayName")[0].GetString());
    }
}

[Collection(SqliteCollection.Name)]
[Trait("Suite", "Sqlite")]
public sealed class CustomerTestsOnSqlite(SqliteAppFixture fixture) : CustomerTests(fixture.App);

[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class CustomerTestsOnPostgres(PostgresAppFixture fixture) : CustomerTests(fixture.App);
