using System.Net;
using System.Net.Http.Json;
using Ribalta.Cases.Contracts;
using Ribalta.Tests.Infrastructure;
using Ribalta.Tests.Integration.Customers;
using Xunit;

namespace Ribalta.Tests.Integration.Cases;

public abstract class AttachmentTests(RibaltaApp app)
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1F, 0x15, 0xC4, 0x89];

    protected RibaltaApp App { get; } = app;

    private static ByteArrayContent Bytes(byte[] content) => new(content) { Headers = { ContentType = new("application/octet-stream") } };

    private async Task<(HttpClient Agent, CaseDetails Case)> CaseAsync()
    {
        var agent = await App.AsFrontline();
        var customer = await agent.CreateCustomerAsync(new { displayName = "Attachment Person", preferredLanguage = "it" });
        return (agent, await agent.OpenCaseAsync(new { customerId = customer.Id, subject = "Foto del danno", body = "Allego una foto." }));
    }

    [Fact]
    public async Task A_reply_carries_a_sniffed_file_served_as_a_safe_download()
    {
        var (agent, opened) = await CaseAsync();
        var upload = await agent.PostAsync($"/api/v1/cases/{opened.Id}/attachments?fileName=..%2F..%2Fdanno.png", Bytes(Png));
        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        var file = (await upload.Content.ReadFromJsonAsync<AttachmentDto>(Api.Json))!;
        Assert.Equal("image/png", file.ContentType);
        Assert.Equal("danno.png", file.FileName);

        Assert.Equal(HttpStatusCode.Created, (await agent.PostAsJsonAsync($"/api/v1/cases/{opened.Id}/replies", new { body = "Ecco la foto.", attachmentIds = new[] { file.Id } })).StatusCode);
        var messages = (await agent.GetFromJsonAsync<MessagePage>($"/api/v1/cases/{opened.Id}/messages", Api.Json))!;
        Assert.Equal(file.Id, Assert.Single(messages.Items[^1].Attachments).Id);

        var download = await agent.GetAsync($"/api/v1/attachments/{file.Id}");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("image/png", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(Png, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("inline", (await agent.GetAsync($"/api/v1/attachments/{file.Id}?preview=true")).Content.Headers.ContentDisposition?.DispositionType);

        // Used once: it cannot be attached to a second message.
        await (await agent.PostAsJsonAsync($"/api/v1/cases/{opened.Id}/notes", new { body = "Again", attachmentIds = new[] { file.Id } })).AssertRefusedAsync("attachmentIds", "not an upload of yours");
    }

    [Fact]
    public async Task Disguised_empty_and_oversized_files_are_refused()
    {
        var (agent, opened) = await CaseAsync();
        var exe = new byte[] { 0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00 };
        var disguised = await agent.PostAsync($"/api/v1/cases/{opened.Id}/attachments?fileName=fattura.pdf", Bytes(exe));
        await disguised.AssertRefusedAsync("file", "not accepted");

        await (await agent.PostAsync($"/api/v1/cases/{opened.Id}/attachments?fileName=empty.txt", Bytes([]))).AssertRefusedAsync("file", "empty");
        var huge = new byte[(10 * 1024 * 1024) + 1];
        await (await agent.PostAsync($"/api/v1/cases/{opened.Id}/attachments?fileName=big.txt", Bytes(huge))).AssertRefusedAsync("file", "at most 10 MB");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await agent.PostAsync($"/api/v1/cases/{opened.Id}/attachments?fileName=a.txt", new StringContent("hello"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.PostAsync($"/api/v1/cases/987654321/attachments?fileName=a.txt", Bytes("hello"u8.ToArray()))).StatusCode);
        await (await agent.PostAsJsonAsync($"/api/v1/cases/{opened.Id}/replies", new { body = "x", attachmentIds = new[] { Guid.NewGuid() } })).AssertRefusedAsync("attachmentIds", "not an upload of yours");
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync($"/api/v1/attachments/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task Customers_download_files_of_their_replies_but_never_of_internal_notes()
    {
        var (agent, opened) = await CaseAsync();
        async Task<Guid> UploadText(string text) => (await agent.UploadAsync(opened.Id, "note.txt", System.Text.Encoding.UTF8.GetBytes(text))).Id;

        var forCustomer = await UploadText("Istruzioni per il reso");
        var internalOnly = await UploadText("Costo interno del reso");
        await agent.PostAsJsonAsync($"/api/v1/cases/{opened.Id}/replies", new { body = "Istruzioni allegate.", attachmentIds = new[] { forCustomer } });
        await agent.PostAsJsonAsync($"/api/v1/cases/{opened.Id}/notes", new { body = "Costi.", attachmentIds = new[] { internalOnly } });

        var customer = await App.SignInCustomerAsync(opened.CustomerId);
        Assert.Equal(HttpStatusCode.OK, (await customer.GetAsync($"/portal/attachments/{forCustomer}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await customer.GetAsync($"/portal/attachments/{internalOnly}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await customer.GetAsync($"/api/v1/attachments/{forCustomer}")).StatusCode);

        var page = await (await customer.GetAsync($"/portal/cases/{opened.Id}")).Content.ReadAsStringAsync();
        Assert.Contains($"/portal/attachments/{forCustomer}", page, StringComparison.Ordinal);
        Assert.DoesNotContain(internalOnly.ToString(), page, StringComparison.Ordinal);
    }
}

[Collection(SqliteCollection.Name)]
[Trait("Suite", "Sqlite")]
public sealed class AttachmentTestsOnSqlite(SqliteAppFixture fixture) : AttachmentTests(fixture.App);

[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class AttachmentTestsOnPostgres(PostgresAppFixture fixture) : AttachmentTests(fixture.App);
