using System.Net;
using System.Text;
using Ribalta.Tests.Infrastructure;
using Xunit;

namespace Ribalta.Tests.Integration.Customers;

public abstract class ImportTests(RibaltaApp app)
{
    private static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");

    [Fact]
    public async Task A_clean_file_imports_every_row_with_semicolons_and_accents()
    {
        var lead = await App.AsStaff("TeamLead");
        var tag = Api.Unique("imp");
        var csv = $"name;email;phone;language;relationship;organisation;notes\n" +
                  $"Begoña Díaz {tag};{tag}.b@ejemplo.es;+34 611 222 333;es;retailer;Almacenes Núñez;\"Prefiere llamadas; nunca antes de las 9\"\n" +
                  $"خالد منصور {tag};{tag}.k@example.ae;;ar;end consumer;;\n";
        var response = await lead.PostAsync("/api/v1/customers/import", Csv(csv));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await response.ReadJsonAsync();
        Assert.Equal(2, report.GetProperty("imported").GetInt32());

        var found = await lead.SearchCustomersAsync($"begona {tag}");
        Assert.Single(found.Items);
        Assert.Equal("es", found.Items[0].PreferredLanguage);
        Assert.Single((await lead.SearchCustomersAsync($"خالد {tag}")).Items);
    }

    [Fact]
    public async Task One_bad_row_refuses_the_whole_file_with_a_row_report()
    {
        var lead = await App.AsStaff("TeamLead");
        var tag = Api.Unique("bad");
        var csv = $"name,email,language\nGood One {tag},{tag}.1@example.org,en\n,{tag}.2@example.org,en\nBad Mail {tag},not-an-email,xx\n";
        var response = await lead.PostAsync("/api/v1/customers/import", Csv(csv));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.ReadJsonAsync();
        var rows = problem.GetProperty("rows").EnumerateArray().Select(r => (r.GetProperty("row").GetInt32(), r.GetProperty("column").GetString())).ToList();
        Assert.Contains((3, "name"), rows);
        Assert.Contains((4, "email"), rows);
        Assert.Contains((4, "language"), rows);
        Assert.Empty((await lead.SearchCustomersAsync(tag)).Items);
    }

    [Fact]
    public async Task Skipping_bad_rows_imports_the_good_ones_only()
    {
        var lead = await App.AsStaff("TeamLead");
        var tag = Api.Unique("skip");
        var csv = $"name,email\nKept {tag},{tag}.1@example.org\nDropped {tag},broken\n";
        var response = await lead.PostAsync("/api/v1/customers/import?skipInvalidRows=true", Csv(csv));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await response.ReadJsonAsync();
        Assert.Equal(1, report.GetProperty("imported").GetInt32());
        Assert.Equal(1, report.GetProperty("skipped").GetInt32());
        Assert.Single((await lead.SearchCustomersAsync(tag)).Items);
    }

    [Fact]
    public async Task Files_that_are_not_utf8_or_have_unknown_columns_are_refused()
    {
        var lead = await App.AsStaff("TeamLead");
        var tag = Api.Unique("enc");
        var latin1 = new ByteArrayContent(Encoding.Latin1.GetBytes($"name\nNiccolò {tag}\n"));
        latin1.Headers.ContentType = new("text/csv");
        var wrongEncoding = await lead.PostAsync("/api/v1/customers/import", latin1);
        Assert.Equal(HttpStatusCode.BadRequest, wrongEncoding.StatusCode);
        Assert.Equal("Import.NotUtf8", (await wrongEncoding.ReadJsonAsync()).GetProperty("code").GetString());

        var unknownColumn = await lead.PostAsync("/api/v1/customers/import", Csv($"name,shoe size\n{tag},44\n"));
        Assert.Equal(HttpStatusCode.BadRequest, unknownColumn.StatusCode);
        Assert.Equal("Import.UnknownColumn", (await unknownColumn.ReadJsonAsync()).GetProperty("code").GetString());

        var noName = await lead.PostAsync("/api/v1/customers/import", Csv($"email\n{tag}@example.org\n"));
        await noName.AssertProblemAsync(HttpStatusCode.BadRequest, "Import.MissingColumn");

        var asForm = await lead.PostAsync("/api/v1/customers/import", new StringContent($"name\n{tag}", Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, asForm.StatusCode);

        Assert.Empty((await lead.SearchCustomersAsync(tag)).Items);
    }

    [Fact]
    public async Task An_email_already_on_file_or_twice_in_the_file_is_a_row_error()
    {
        var lead = await App.AsStaff("TeamLead");
        var tag = Api.Unique("dup");
        await lead.CreateCustomerAsync(new { displayName = "Existing", emails = new[] { $"{tag}.a@example.org" } });
        var csv = $"name,email\nNew {tag},{tag}.a@example.org\nTwin {tag},{tag}.b@example.org\nTwin again {tag},{tag}.B@example.org\n";
        var problem = await (await lead.PostAsync("/api/v1/customers/import", Csv(csv))).ReadJsonAsync();
        var rows = problem.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("row").GetInt32()).ToList();
        Assert.Equal([2, 4], rows);
    }

    protected RibaltaApp App { get; } = app;
}

[Collection(SqliteCollection.Name)]
[Trait("Suite", "Sqlite")]
public sealed class ImportTestsOnSqlite(SqliteAppFixture fixture) : ImportTests(fixture.App);

[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class ImportTestsOnPostgres(PostgresAppFixture fixture) : ImportTests(fixture.App);
