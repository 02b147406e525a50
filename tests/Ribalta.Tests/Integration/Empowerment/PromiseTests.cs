using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Domain;
using Ribalta.Empowerment.Contracts;
using Ribalta.Empowerment.Contracts.Events;
using Ribalta.Empowerment.Promises;
using Ribalta.Platform.Data;
using Ribalta.Platform.Identity;
using Ribalta.Tests.Infrastructure;
using Ribalta.Tests.Integration.Cases;
using Ribalta.Tests.Integration.Platform;
using Xunit;

namespace Ribalta.Tests.Integration.Empowerment;

/// <summary>
/// The promise ledger through the API on both databases: a sentence of a reply becomes a promise with an owner and a
/// due time; kept on time, or broken when the clock passes it (a breakdown event, and the customer is told in their
/// language, unasked); the keeping rate per agent, team, department and kind.
/// </summary>
public abstract class PromiseTests(RibaltaApp app)
{
    /// <summary>An agent of the test's own, so the keeping rate is theirs alone.</summary>
    private Task<StaffMember> AgentAsync() => app.NewStaffAsync(StaffRoles.Frontline);

    /// <summary>A Spanish customer's case with the agent's reply in it; returns the case and the reply's id.</summary>
    private static async Task<(long CaseId, long ReplyId)> CaseWithReplyAsync(HttpClient agent, string reply)
    {
        var caseId = (await agent.OpenPhoneCaseAsync("Lucía Gómez", "es", "Factura duplicada", "Me cobraron dos veces.")).Id;
        var replied = await agent.PostAsJsonAsync($"/api/v1/cases/{caseId}/replies", new { body = reply }, Api.Json);
        Assert.True(replied.IsSuccessStatusCode, await replied.Content.ReadAsStringAsync());
        var sentences = (await agent.GetFromJsonAsync<List<PromiseSentence>>($"/api/v1/cases/{caseId}/promise-sentences", Api.Json))!;
        return (caseId, sentences.Select(s => s.MessageId).First());
    }

    private static Task<HttpResponseMessage> PromiseAsync(HttpClient agent, long caseId, PromiseInput input) =>
        agent.PostAsJsonAsync($"/api/v1/cases/{caseId}/promises", input, Api.Json);

    private static async Task<List<PromiseDto>> OnCaseAsync(HttpClient agent, long caseId) =>
        (await agent.GetFromJsonAsync<List<PromiseDto>>($"/api/v1/cases/{caseId}/promises", Api.Json))!;

    [Fact]
    public async Task A_sentence_of_a_reply_becomes_a_promise_due_in_the_owners_inbox_and_kept_on_time()
    {
        var (agent, agentId, agentName) = await AgentAsync();
        var (caseId, replyId) = await CaseWithReplyAsync(agent, "Hola Lucía. Te llamo el viernes por la mañana para confirmarlo. Un saludo.");
        var sentences = (await agent.GetFromJsonAsync<List<PromiseSentence>>($"/api/v1/cases/{caseId}/promise-sentences", Api.Json))!;
        Assert.Contains(sentences, s => s.Text == "Te llamo el viernes por la mañana para confirmarlo.");

        var due = app.Clock.GetUtcNow().AddHours(3);
        var promise = await agent.MakePromiseAsync(caseId, new PromiseInput(PromiseKind.CallBack, "Te llamo el viernes por la mañana para confirmarlo.", due, replyId));
        Assert.Equal((PromiseStatus.Open, agentId, agentName), (promise.Status, promise.OwnerId, promise.OwnerName));
        Assert.Equal(due, promise.DueAt);
        Assert.NotNull(await app.Events.WaitForAsync(e => e.Type == PromiseMade.Type && e.SubjectId == caseId.ToString(System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromSeconds(10)));

        // Due within the day: it is in the owner's inbox and among what they owe.
        Assert.Contains((await agent.GetFromJsonAsync<List<PromiseDto>>("/api/v1/promises?dueSoon=true", Api.Json))!, p => p.Id == promise.Id);
        Assert.Contains((await agent.GetFromJsonAsync<List<PromiseDto>>("/api/v1/promises", Api.Json))!, p => p.Id == promise.Id);

        var kept = await agent.PostAsync($"/api/v1/promises/{promise.Id}/keep", null);
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        var done = (await kept.Content.ReadFromJsonAsync<PromiseDto>(Api.Json))!;
        Assert.Equal(PromiseStatus.Kept, done.Status);
        Assert.False(done.KeptLate);
        Assert.Equal(HttpStatusCode.Conflict, (await agent.PostAsync($"/api/v1/promises/{promise.Id}/keep", null)).StatusCode);
        Assert.DoesNotContain((await agent.GetFromJsonAsync<List<PromiseDto>>("/api/v1/promises", Api.Json))!, p => p.Id == promise.Id);
        Assert.Contains((await agent.GetFromJsonAsync<List<PromiseDto>>("/api/v1/promises?open=false", Api.Json))!, p => p.Id == promise.Id);

        // When its due time has passed, the report counts it kept on time.
        app.Clock.Advance(TimeSpan.FromHours(4));
        var manager = await app.AsStaff(StaffRoles.Manager);
        var report = (await manager.GetFromJsonAsync<PromiseReportDto>("/api/v1/promises/report?by=agent", Api.Json))!;
        var row = Assert.Single(report.Rows, r => r.Key == agentId.ToString());
        Assert.Equal((1, 1, 0, 0, 1.0), (row.Due, row.KeptOnTime, row.KeptLate, row.Broken, row.Rate!.Value));
        Assert.NotEmpty(report.Weeks);
        var byKind = (await manager.GetFromJsonAsync<PromiseReportDto>("/api/v1/promises/report?by=kind", Api.Json))!;
        Assert.Contains(byKind.Rows, r => r.Key == "CallBack" && r.Name == "Call back");
    }

    [Fact]
    public async Task A_promise_not_kept_by_its_due_time_breaks_and_the_customer_is_told_in_their_language()
    {
        var (agent, agentId, agentName) = await AgentAsync();
        var (caseId, replyId) = await CaseWithReplyAsync(agent, "Te devolvemos el cargo duplicado en 5 días.");
        var promise = await agent.MakePromiseAsync(caseId, new PromiseInput(PromiseKind.Refund, "Te devolvemos el cargo duplicado en 5 días.", app.Clock.GetUtcNow().AddHours(1), replyId));

        // The clock passes the due time: the monitor breaks it, tells the customer, and the case waits on us.
        app.Clock.Advance(TimeSpan.FromHours(2));
        var broken = await app.Events.WaitForAsync(e => e.Type == PromiseBroken.Type && e.SubjectId == caseId.ToString(System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromSeconds(15));
        Assert.NotNull(broken);
        var after = Assert.Single(await OnCaseAsync(agent, caseId));
        Assert.Equal(PromiseStatus.Broken, after.Status);
        Assert.NotNull(after.CustomerToldAt);
        var told = await app.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Set<Message>().AsNoTracking()
            .Where(m => m.CaseId == caseId && m.Kind == MessageKind.Reply).OrderByDescending(m => m.Id).FirstAsync());
        Assert.Contains("le prometimos: «Te devolvemos el cargo duplicado en 5 días.»", told.Body, StringComparison.Ordinal);
        Assert.Contains(agentName, told.Body, StringComparison.Ordinal);
        var status = (await (await agent.GetAsync($"/api/v1/cases/{caseId}")).ReadJsonAsync()).GetProperty("status").GetString();
        Assert.Equal("WaitingOnUs", status);

        // Still owed (broken, not made good) in the inbox; made good late, it stays broken for the rate.
        Assert.Contains((await agent.GetFromJsonAsync<List<PromiseDto>>("/api/v1/promises?dueSoon=true", Api.Json))!, p => p.Id == promise.Id);
        Assert.Equal(HttpStatusCode.Conflict, (await agent.PostAsJsonAsync($"/api/v1/promises/{promise.Id}/release", new ReleaseInput("Too late"), Api.Json)).StatusCode);
        var late = (await (await agent.PostAsync($"/api/v1/promises/{promise.Id}/keep", null)).Content.ReadFromJsonAsync<PromiseDto>(Api.Json))!;
        Assert.Equal(PromiseStatus.Broken, late.Status);
        Assert.True(late.KeptLate);
        var report = (await (await app.AsStaff(StaffRoles.Manager)).GetFromJsonAsync<PromiseReportDto>("/api/v1/promises/report", Api.Json))!;
        var row = Assert.Single(report.Rows, r => r.Key == agentId.ToString());
        Assert.Equal((1, 0, 1, 1, 0.0), (row.Due, row.KeptOnTime, row.KeptLate, row.Broken, row.Rate!.Value));

        // Broken once: the next rounds of the monitor leave it alone.
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        await Task.Delay(200);
        var notices = await app.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Set<Message>().CountAsync(m => m.CaseId == caseId && m.Body.Contains("le prometimos")));
        Assert.Equal(1, notices);
    }

    [Fact]
    public async Task An_integration_key_of_any_scope_cannot_keep_or_release_a_persons_promise()
    {
        var (agent, _, _) = await AgentAsync();
        var (caseId, _) = await CaseWithReplyAsync(agent, "Te llamamos mañana.");
        var promise = await agent.MakePromiseAsync(caseId, new PromiseInput(PromiseKind.CallBack, "Te llamamos mañana.", app.Clock.GetUtcNow().AddHours(3)));
        var admin = await app.AsAdmin();
        foreach (var scopes in new[] { new[] { "read", "write" }, ["read", "write", "admin"] })
        {
            var key = app.WithApiKey((await admin.CreateApiKeyAsync("Promises " + string.Join('+', scopes), scopes)).Key, bearer: false);

            var keep = await key.PostAsync($"/api/v1/promises/{promise.Id}/keep", null);
            Assert.Equal(HttpStatusCode.Forbidden, keep.StatusCode);
            Assert.Equal("Error.PromiseNeedsPerson", (await keep.ReadJsonAsync()).GetProperty("code").GetString());
            Assert.Equal(HttpStatusCode.Forbidden, (await key.PostAsJsonAsync($"/api/v1/promises/{promise.Id}/release", new ReleaseInput("Integration says so"), Api.Json)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await key.GetAsync($"/api/v1/cases/{caseId}/promises")).StatusCode);
        }

        Assert.Equal(PromiseStatus.Open, (await OnCaseAsync(agent, caseId)).Single(p => p.Id == promise.Id).Status);
    }

    [Fact]
    public async Task Released_promises_count_for_nothing_and_two_keeps_at_once_keep_once()
    {
        var (agent, agentId, _) = await AgentAsync();
        var (caseId, _) = await CaseWithReplyAsync(agent, "Le pedimos a Logística una respuesta para mañana.");
        var released = await agent.MakePromiseAsync(caseId, new PromiseInput(PromiseKind.Answer, "Una respuesta de Logística para mañana.", app.Clock.GetUtcNow().AddHours(1)));
        await (await agent.PostAsJsonAsync($"/api/v1/promises/{released.Id}/release", new ReleaseInput(" "), Api.Json)).AssertRefusedAsync("reason");
        var done = await agent.PostAsJsonAsync($"/api/v1/promises/{released.Id}/release", new ReleaseInput("La clienta canceló el pedido"), Api.Json);
        Assert.Equal(PromiseStatus.Released, (await done.Content.ReadFromJsonAsync<PromiseDto>(Api.Json))!.Status);

        var twice = await agent.MakePromiseAsync(caseId, new PromiseInput(PromiseKind.Other, "Lo revisamos juntos el lunes.", app.Clock.GetUtcNow().AddHours(1)));

        // Someone else's promise is theirs to keep or release (or their team lead's, a manager's): a colleague cannot,
        // nor a lead of another team.
        var (colleague, _, _) = await AgentAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await colleague.PostAsync($"/api/v1/promises/{twice.Id}/keep", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await colleague.PostAsJsonAsync($"/api/v1/promises/{twice.Id}/release", new ReleaseInput("Not needed"), Api.Json)).StatusCode);
        var otherLead = (await app.NewStaffAsync(StaffRoles.TeamLead, name: "Other Lead")).Client;
        Assert.Equal(HttpStatusCode.Forbidden, (await otherLead.PostAsync($"/api/v1/promises/{twice.Id}/keep", null)).StatusCode);
        var answers = await Task.WhenAll(agent.PostAsync($"/api/v1/promises/{twice.Id}/keep", null), agent.PostAsync($"/api/v1/promises/{twice.Id}/keep", null));
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Conflict);

        app.Clock.Advance(TimeSpan.FromHours(2));
        var report = (await (await app.AsStaff(StaffRoles.Manager)).GetFromJsonAsync<PromiseReportDto>("/api/v1/promises/report", Api.Json))!;
        Assert.Equal(1, Assert.Single(report.Rows, r => r.Key == agentId.ToString()).Due);
        Assert.Equal(PromiseStatus.Released, (await OnCaseAsync(agent, caseId)).Single(p => p.Id == released.Id).Status);
    }

    [Fact]
    public async Task Bad_input_is_refused_with_reasons_and_nothing_is_promised()
    {
        var (agent, _, _) = await AgentAsync();
        var (caseId, replyId) = await CaseWithReplyAsync(agent, "Te escribo mañana.");
        var (other, _) = await CaseWithReplyAsync(agent, "Otra respuesta.");
        var soon = app.Clock.GetUtcNow().AddHours(2);

        await (await PromiseAsync(agent, caseId, new PromiseInput(PromiseKind.CallBack, " ", soon))).AssertRefusedAsync("words");
        await (await PromiseAsync(agent, caseId, new PromiseInput(PromiseKind.CallBack, new string('x', 501), soon))).AssertRefusedAsync("words");
        await (await PromiseAsync(agent, caseId, new PromiseInput(null, "Te escribo mañana.", soon))).AssertRefusedAsync("kind");
        await (await PromiseAsync(agent, caseId, new PromiseInput(PromiseKind.CallBack, "Te escribo mañana.", null))).AssertRefusedAsync("dueAt");
        await (await PromiseAsync(agent, caseId, new PromiseInput(PromiseKind.CallBack, "Te escribo mañana.", app.Clock.GetUtcNow().AddMinutes(-1)))).AssertRefusedAsync("dueAt");
        await (await PromiseAsync(agent, caseId, new PromiseInput(PromiseKind.CallBack, "Te escribo mañana.", app.Clock.GetUtcNow().AddMinutes(1)))).AssertRefusedAsync("dueAt");
        await (await PromiseAsync(agent, caseId, new PromiseInput(PromiseKind.CallBack, "Te escribo mañana.", app.Clock.GetUtcNow().AddDays(400)))).AssertRefusedAsync("dueAt");
        await (await PromiseAsync(agent, caseId, new PromiseInput(PromiseKind.CallBack, "Te escribo mañana.", soon, OwnerId: Guid.NewGuid()))).AssertRefusedAsync("ownerId");
        await (await PromiseAsync(agent, caseId, new PromiseInput(PromiseKind.CallBack, "Te escribo mañana.", soon, DepartmentId: Guid.NewGuid()))).AssertRefusedAsync("departmentId");
        await (await PromiseAsync(agent, other, new PromiseInput(PromiseKind.CallBack, "Te escribo mañana.", soon, replyId))).AssertRefusedAsync("messageId");
        Assert.Equal(HttpStatusCode.NotFound, (await PromiseAsync(agent, 999_999_999, new PromiseInput(PromiseKind.CallBack, "Te escribo mañana.", soon))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.PostAsync("/api/v1/promises/999999999/keep", null)).StatusCode);
        await (await (await app.AsStaff(StaffRoles.Manager)).GetAsync("/api/v1/promises/report?by=mood")).AssertRefusedAsync("by");
        Assert.Empty(await OnCaseAsync(agent, caseId));
        Assert.Empty(await OnCaseAsync(agent, other));
    }
}

[Collection(SqliteCollection.Name)]
[Trait("Suite", "Sqlite")]
public sealed class PromiseTestsOnSqlite(SqliteAppFixture fixture) : PromiseTests(fixture.App);

[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class PromiseTestsOnPostgres(PostgresAppFixture fixture) : PromiseTests(fixture.App);
