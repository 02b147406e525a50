using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Domain;
using Ribalta.Empowerment.Catalogue;
using Ribalta.Empowerment.Contracts;
using Ribalta.Empowerment.Contracts.Events;
using Ribalta.Empowerment.Data;
using Ribalta.Empowerment.Envelopes;
using Ribalta.Empowerment.Help;
using Ribalta.Empowerment.Resolve;
using Ribalta.Platform.Data;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Tests.Infrastructure;
using Ribalta.Tests.Integration.Cases;
using Ribalta.Tests.Integration.Platform;
using Xunit;

namespace Ribalta.Tests.Integration.Empowerment;

/// <summary>
/// Asking for help, through the API on both databases: an agent above their envelope asks a lead, who approves from
/// their queue (granted under the lead's envelope, told to the customer by the agent); a question to a department is
/// taken and answered, overdue ones first; bad input and late answers change nothing.
/// </summary>
public abstract class HelpTests(RibaltaApp app)
{
    private async Task<Guid> DepartmentAsync() => await (await app.AsAdmin()).CreateDepartmentAsync("Billing");

    /// <summary>A refund option: the front line may grant 50 EUR at once, team leads 200, the given role (a department) 500.</summary>
    private Task<Guid> RefundAsync(string? alsoRole = null) => alsoRole is null
        ? app.RefundPerRoleAsync((StaffRoles.Frontline, 50m), (StaffRoles.TeamLead, 200m))
        : app.RefundPerRoleAsync((StaffRoles.Frontline, 50m), (StaffRoles.TeamLead, 200m), (alsoRole, 500m));

    private static async Task<long> CaseAsync(HttpClient agent) =>
        (await agent.OpenPhoneCaseAsync("Lucía Gómez", "es", "Pedido perdido", "Mi pedido no llegó nunca.")).Id;

    private static Task<HttpResponseMessage> AskAsync(HttpClient agent, long caseId, HelpRequestInput input) =>
        agent.PostAsJsonAsync($"/api/v1/cases/{caseId}/help-requests", input, Api.Json);

    private static Task<HttpResponseMessage> AnswerAsync(HttpClient helper, long id, HelpDecision decision, string answer = "Fine by me", IReadOnlyList<ResolutionLineInput>? lines = null) =>
        helper.PostAsJsonAsync($"/api/v1/help-requests/{id}/answer", new HelpAnswerInput(decision, answer, lines), Api.Json);

    private static async Task<List<HelpRequestDto>> QueueAsync(HttpClient helper, string query = "") =>
        (await helper.GetFromJsonAsync<List<HelpRequestDto>>($"/api/v1/help-requests{query}", Api.Json))!;

    private Task<int> GrantsOnAsync(long caseId) =>
        app.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Set<Grant>().CountAsync(g => g.CaseId == caseId && g.ReversedAt == null));

    private static ResolutionLineInput Refund(Guid option, decimal amount) => new(option, new MoneyDto(amount, "EUR"));

    [Fact]
    public async Task An_agent_above_the_envelope_asks_a_lead_who_approves_and_it_is_granted_under_the_leads_envelope()
    {
        var option = await RefundAsync();
        var (agent, agentId, agentName) = await app.NewStaffAsync(StaffRoles.Frontline);
        var (lead, leadId, leadName) = await app.NewStaffAsync(StaffRoles.TeamLead);
        var (other, _, _) = await app.NewStaffAsync(StaffRoles.TeamLead);
        var caseId = await CaseAsync(agent);
        await (await agent.PostAsJsonAsync($"/api/v1/cases/{caseId}/resolutions", new ResolutionRequest([Refund(option, 120)], "Lost"), Api.Json)).AssertProblemAsync(HttpStatusCode.BadRequest, "Error.OutsideEnvelope");

        // The agent asks the lead, proposing the refund; the lead is offered first among whom to ask.
        var helpers = (await agent.GetFromJsonAsync<HelpersDto>("/api/v1/help-requests/helpers", Api.Json))!;
        Assert.Contains(helpers.People, p => p.Id == leadId);
        Assert.DoesNotContain(helpers.People, p => p.Id == agentId);
        var asked = await agent.AskForHelpAsync(caseId, new HelpRequestInput(HelpReason.AboveEnvelope, "Whole order lost, she asks for 120 back", leadId, Proposal: [Refund(option, 120)]));
        Assert.Equal(HelpStatus.Open, asked.Status);
        Assert.Equal(2.4m, asked.Reach);
        Assert.Equal(asked.AskedAt.AddMinutes(60), asked.DueAt);
        Assert.NotNull(await app.Events.WaitForAsync(e => e.Type == HelpAsked.Type && e.SubjectId == caseId.ToString(System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromSeconds(10)));

        // It waits in the lead's queue and in the agent's "asked"; the helper has joined the case.
        Assert.Contains(await QueueAsync(lead), r => r.Id == asked.Id);
        Assert.Contains(await QueueAsync(agent, "?box=asked"), r => r.Id == asked.Id && r.HelperName != null);
        Assert.Single((await agent.GetFromJsonAsync<List<HelpRequestDto>>($"/api/v1/cases/{caseId}/help-requests", Api.Json))!, r => r.HelperId == leadId);

        // Only the one asked may answer.
        Assert.Equal(HttpStatusCode.Forbidden, (await AnswerAsync(other, asked.Id, HelpDecision.Approve)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await AnswerAsync(agent, asked.Id, HelpDecision.Approve)).StatusCode);
        await (await AnswerAsync(lead, asked.Id, HelpDecision.Answer)).AssertRefusedAsync("decision");

        var approved = await AnswerAsync(lead, asked.Id, HelpDecision.Approve, "Yes, three times unlucky is on us");
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var answer = (await approved.Content.ReadFromJsonAsync<HelpRequestDto>(Api.Json))!;
        Assert.Equal(HelpStatus.Approved, answer.Status);
        Assert.NotNull(answer.ResolutionId);

        // Granted through the same ledger, under the lead's authority, and told to the customer by the agent.
        var grant = Assert.Single((await agent.GetFromJsonAsync<List<GrantDto>>($"/api/v1/cases/{caseId}/grants", Api.Json))!);
        Assert.Equal(leadId, grant.GrantedBy);
        Assert.Equal(asked.Id, grant.HelpRequestId);
        Assert.Equal(120m, grant.Amount!.Amount);
        var told = await app.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Set<Message>().AsNoTracking()
            .Where(m => m.CaseId == caseId && m.Kind == MessageKind.Reply).OrderByDescending(m => m.Id).FirstAsync());
        // Who really acted: Ribalta, on the lead's approval (not the agent, at a moment they did nothing); signed by the
        // agent who keeps the case, formally, as the organisation writes.
        Assert.Equal(ActorKind.System, told.AuthorKind);
        Assert.Equal(leadId.ToString(), told.AuthorId);
        Assert.Equal(leadName, told.AuthorName);
        Assert.Equal($"Hola, Lucía:\n\nLe hemos reembolsado 120,00 EUR.\n\nUn saludo cordial,\n{agentName}", told.Body);

        // One answer per request; it leaves the queue, and the report counts it.
        Assert.Equal(HttpStatusCode.Conflict, (await AnswerAsync(lead, asked.Id, HelpDecision.Decline)).StatusCode);
        Assert.DoesNotContain(await QueueAsync(lead), r => r.Id == asked.Id);
        Assert.Contains(await QueueAsync(lead, "?open=false"), r => r.Id == asked.Id);
        var report = (await (await app.AsStaff(StaffRoles.Manager)).GetFromJsonAsync<HelpReportDto>("/api/v1/help-requests/report", Api.Json))!;
        Assert.True(report.ByReason.Single(r => r.Reason == HelpReason.AboveEnvelope).Approved >= 1);
        var byLead = Assert.Single(report.ByHelper, h => h.HelperId == leadId);
        Assert.Equal(1, byLead.Answered);
        Assert.Equal(1.0, byLead.WithinTargetShare);
        var byOption = Assert.Single(report.ByOption, o => o.OptionId == option);
        Assert.Equal((1, 1, 0), (byOption.Asked, byOption.Approved, byOption.WithinReasonable));
    }

    [Fact]
    public async Task An_approval_beyond_the_helpers_own_envelope_is_refused_and_nothing_changes()
    {
        var option = await RefundAsync();
        var (agent, _, _) = await app.NewStaffAsync(StaffRoles.Frontline);
        var (lead, leadId, leadName) = await app.NewStaffAsync(StaffRoles.TeamLead);
        var caseId = await CaseAsync(agent);
        var asked = await agent.AskForHelpAsync(caseId, new HelpRequestInput(HelpReason.AboveEnvelope, "A gift that never arrived", leadId, Proposal: [Refund(option, 300)]));

        // Approving a decision grants something: an empty list of lines is refused.
        await (await AnswerAsync(lead, asked.Id, HelpDecision.Approve, lines: [])).AssertRefusedAsync("lines");
        var refused = await AnswerAsync(lead, asked.Id, HelpDecision.Approve);
        await refused.AssertProblemAsync(HttpStatusCode.BadRequest, "Error.OutsideEnvelope");
        Assert.Equal(0, await GrantsOnAsync(caseId));
        Assert.Equal(HelpStatus.Open, (await QueueAsync(lead)).Single(r => r.Id == asked.Id).Status);

        // The lead may approve less than asked (within their envelope), in their own words.
        var less = await AnswerAsync(lead, asked.Id, HelpDecision.Approve, "150 now; the rest if the courier confirms", [Refund(option, 150)]);
        Assert.Equal(HttpStatusCode.OK, less.StatusCode);
        Assert.Equal(150m, Assert.Single((await agent.GetFromJsonAsync<List<GrantDto>>($"/api/v1/cases/{caseId}/grants", Api.Json))!).Amount!.Amount);
    }

    [Fact]
    public async Task A_question_to_a_department_is_taken_by_one_of_them_and_overdue_requests_come_first()
    {
        var department = await DepartmentAsync();
        var (agent, _, _) = await app.NewStaffAsync(StaffRoles.Frontline);
        var (first, firstId, firstName) = await app.NewStaffAsync(StaffRoles.Department, department);
        var (second, _, _) = await app.NewStaffAsync(StaffRoles.Department, department);
        var caseId = await CaseAsync(agent);

        var early = await agent.AskForHelpAsync(caseId, new HelpRequestInput(HelpReason.Question, "Was she charged twice?", DepartmentId: department));
        Assert.Equal(early.AskedAt.AddMinutes(240), early.DueAt);
        app.Clock.Advance(TimeSpan.FromHours(5));
        var later = await agent.AskForHelpAsync(caseId, new HelpRequestInput(HelpReason.Question, "And can we waive the late fee?", DepartmentId: department));

        // Both wait for everyone in the department; the overdue one leads.
        var queue = (await QueueAsync(second)).Where(r => r.CaseId == caseId).ToList();
        Assert.Equal([early.Id, later.Id], queue.Select(r => r.Id));
        Assert.True(queue[0].Overdue);
        Assert.False(queue[1].Overdue);
        Assert.Equal(1, queue.Count(r => r.Overdue));

        // One of them takes it: it is theirs now, not the other's.
        var taken = await first.PostAsync($"/api/v1/help-requests/{early.Id}/take", null);
        Assert.Equal(HttpStatusCode.OK, taken.StatusCode);
        Assert.Equal(firstId, (await taken.Content.ReadFromJsonAsync<HelpRequestDto>(Api.Json))!.HelperId);
        Assert.DoesNotContain(await QueueAsync(second), r => r.Id == early.Id);
        Assert.Equal(HttpStatusCode.Conflict, (await AnswerAsync(second, early.Id, HelpDecision.Answer)).StatusCode);

        var answered = await AnswerAsync(first, early.Id, HelpDecision.Answer, "Yes, a duplicate from the provider; reversed in 3 days.");
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        var dto = (await answered.Content.ReadFromJsonAsync<HelpRequestDto>(Api.Json))!;
        Assert.Equal((HelpStatus.Answered, firstName), (dto.Status, dto.AnsweredByName));
        Assert.NotNull(await app.Events.WaitForAsync(e => e.Type == HelpAnswered.Type && e.SubjectId == caseId.ToString(System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromSeconds(10)));

        // A late "take" hears that someone was first; nobody answers their own request, even in their own department.
        Assert.Equal(HttpStatusCode.Conflict, (await second.PostAsync($"/api/v1/help-requests/{early.Id}/take", null)).StatusCode);
        var own = await second.AskForHelpAsync(caseId, new HelpRequestInput(HelpReason.Question, "Can I answer myself?", DepartmentId: department));
        Assert.DoesNotContain(await QueueAsync(second), r => r.Id == own.Id);
        Assert.Equal(HttpStatusCode.Forbidden, (await AnswerAsync(second, own.Id, HelpDecision.Answer)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.PostAsync($"/api/v1/help-requests/{own.Id}/withdraw", null)).StatusCode);

        // The second member answers the other one without taking it first.
        Assert.Equal(HttpStatusCode.OK, (await AnswerAsync(second, later.Id, HelpDecision.Answer, "No, the fee stands for this plan.")).StatusCode);
        var onCase = (await agent.GetFromJsonAsync<List<HelpRequestDto>>($"/api/v1/cases/{caseId}/help-requests", Api.Json))!;
        var others = onCase.Where(r => r.Id != own.Id).ToList();
        Assert.Contains(others, r => r.Id == early.Id);
        Assert.Contains(others, r => r.Id == later.Id);
        Assert.All(others, r => Assert.Equal(HelpStatus.Answered, r.Status));
        var report = (await (await app.AsStaff(StaffRoles.Manager)).GetFromJsonAsync<HelpReportDto>("/api/v1/help-requests/report", Api.Json))!;
        Assert.Equal(0.0, report.ByHelper.Single(h => h.HelperId == firstId).WithinTargetShare);
    }

    [Fact]
    public async Task Two_helpers_approving_at_once_grant_once()
    {
        var department = await DepartmentAsync();
        var option = await RefundAsync(StaffRoles.Department);
        var (agent, _, _) = await app.NewStaffAsync(StaffRoles.Frontline);
        var (first, _, _) = await app.NewStaffAsync(StaffRoles.Department, department);
        var (second, _, _) = await app.NewStaffAsync(StaffRoles.Department, department);
        for (var round = 0; round < 3; round++)
        {
            var caseId = await CaseAsync(agent);
            var asked = await agent.AskForHelpAsync(caseId, new HelpRequestInput(HelpReason.AboveEnvelope, "Please", DepartmentId: department, Proposal: [Refund(option, 80)]));
            var answers = await Task.WhenAll(AnswerAsync(first, asked.Id, HelpDecision.Approve), AnswerAsync(second, asked.Id, HelpDecision.Approve));
            Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
            Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Conflict);
            Assert.Equal(1, await GrantsOnAsync(caseId));
        }
    }

    [Fact]
    public async Task Bad_input_is_refused_with_reasons_and_nothing_is_asked()
    {
        var option = await RefundAsync();
        var department = await DepartmentAsync();
        var (agent, agentId, _) = await app.NewStaffAsync(StaffRoles.Frontline);
        var (lead, leadId, leadName) = await app.NewStaffAsync(StaffRoles.TeamLead);
        var caseId = await CaseAsync(agent);

        await (await AskAsync(agent, caseId, new HelpRequestInput(HelpReason.Question, "?"))).AssertRefusedAsync("helperId");
        await (await AskAsync(agent, caseId, new HelpRequestInput(HelpReason.Question, "?", leadId, department))).AssertRefusedAsync("helperId");
        await (await AskAsync(agent, caseId, new HelpRequestInput(HelpReason.Question, "?", agentId))).AssertRefusedAsync("helperId");
        await (await AskAsync(agent, caseId, new HelpRequestInput(HelpReason.Question, "?", Guid.NewGuid()))).AssertRefusedAsync("helperId");
        await (await AskAsync(agent, caseId, new HelpRequestInput(HelpReason.Question, "?", DepartmentId: Guid.NewGuid()))).AssertRefusedAsync("departmentId");
        await (await AskAsync(agent, caseId, new HelpRequestInput(HelpReason.Question, " ", leadId))).AssertRefusedAsync("question");
        await (await AskAsync(agent, caseId, new HelpRequestInput(HelpReason.Question, new string('x', 2001), leadId))).AssertRefusedAsync("question");
        await (await AskAsync(agent, caseId, new HelpRequestInput(null, "?", leadId))).AssertRefusedAsync("reason");
        await (await AskAsync(agent, caseId, new HelpRequestInput(HelpReason.AboveEnvelope, "More please", leadId))).AssertRefusedAsync("proposal");
        await (await AskAsync(agent, caseId, new HelpRequestInput(HelpReason.AboveEnvelope, "More", leadId, Proposal: [Refund(Guid.NewGuid(), 10)]))).AssertRefusedAsync("proposal[0].optionId");
        await (await AskAsync(agent, caseId, new HelpRequestInput(HelpReason.AboveEnvelope, "More", leadId, Proposal: [Refund(option, -10)]))).AssertRefusedAsync("proposal[0].amount.amount");
        await (await AskAsync(agent, caseId, new HelpRequestInput(HelpReason.AboveEnvelope, "More", leadId, Proposal: [new ResolutionLineInput(option, new MoneyDto(10, "XXQ"))]))).AssertRefusedAsync("proposal[0].amount.currency");
        Assert.Equal(HttpStatusCode.NotFound, (await AskAsync(agent, 999_999_999, new HelpRequestInput(HelpReason.Question, "?", leadId))).StatusCode);
        Assert.Empty((await agent.GetFromJsonAsync<List<HelpRequestDto>>($"/api/v1/cases/{caseId}/help-requests", Api.Json))!);
        await (await agent.GetAsync("/api/v1/help-requests?box=everyone")).AssertRefusedAsync("box");

        // The asker may withdraw (no one else); then nobody can answer it.
        var asked = await agent.AskForHelpAsync(caseId, new HelpRequestInput(HelpReason.NotInCatalogue, "A courier to collect it tomorrow?", leadId));
        await (await AnswerAsync(lead, asked.Id, HelpDecision.Approve, " ")).AssertRefusedAsync("answer");
        Assert.Equal(HttpStatusCode.Forbidden, (await lead.PostAsync($"/api/v1/help-requests/{asked.Id}/withdraw", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await agent.PostAsync($"/api/v1/help-requests/{asked.Id}/withdraw", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await AnswerAsync(lead, asked.Id, HelpDecision.Approve)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await AnswerAsync(lead, 999_999_999, HelpDecision.Approve)).StatusCode);
        Assert.Equal(0, await GrantsOnAsync(caseId));

        // An approval of something not in the catalogue, with nothing to grant, is recorded as a decision.
        var courier = await agent.AskForHelpAsync(caseId, new HelpRequestInput(HelpReason.NotInCatalogue, "A courier to collect it tomorrow?", leadId));
        var yes = (await (await AnswerAsync(lead, courier.Id, HelpDecision.Approve, "Yes, book it with Logistics")).Content.ReadFromJsonAsync<HelpRequestDto>(Api.Json))!;
        Assert.Equal((HelpStatus.Approved, (Guid?)null), (yes.Status, yes.ResolutionId));
    }
}

[Collection(SqliteCollection.Name)]
[Trait("Suite", "Sqlite")]
public sealed class HelpTestsOnSqlite(SqliteAppFixture fixture) : HelpTests(fixture.App);

[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class HelpTestsOnPostgres(PostgresAppFixture fixture) : HelpTests(fixture.App);
