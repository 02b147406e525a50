using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Ribalta.Cases.Contracts;
using Ribalta.Insights.CaseFlow;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Projections;
using Ribalta.Tests.Infrastructure;
using Ribalta.Tests.Integration.Cases;
using Ribalta.Tests.Integration.Platform;
using Xunit;

namespace Ribalta.Tests.Integration.Insights;

/// <summary>
/// The case-flow projection (daily volume, first-answer and resolution times per team and channel), kept by the
/// running application from the event log, read through the API, and rebuilt from the whole log to the same tables.
/// Each test counts only the cases of a team it makes, so cases other tests open do not disturb its figures.
/// </summary>
public abstract class CaseFlowTests(RibaltaApp app)
{
    protected RibaltaApp App { get; } = app;

    [Fact]
    public async Task Cases_count_for_the_team_and_channel_they_were_with_when_it_happened()
    {
        // Signed in after the clock moves (sessions end after 10 idle hours), at 08:00 UTC the next day.
        App.Clock.SetUtcNow(new DateTimeOffset(App.Clock.GetUtcNow().UtcDateTime.Date.AddDays(1).AddHours(8), TimeSpan.Zero));
        var admin = await App.AsAdmin();
        var first = await admin.CreateDepartmentAsync();
        var second = await admin.CreateDepartmentAsync();
        var agent = await App.AsStaff(StaffRoles.Frontline);
        var customer = await agent.CreateCustomerAsync(new { displayName = "Giulia Conti", preferredLanguage = "it" });
        var opened = App.Clock.GetUtcNow();

        var byPhone = await OpenAsync(agent, customer.Id, "Phone", first);
        var byEmail = await OpenAsync(agent, customer.Id, "Email", first);

        App.Clock.Advance(TimeSpan.FromHours(2));
        await ReplyAsync(agent, byPhone.Id);

        // Moved to the second team before anyone answered: its answer counts there, its opening stays with the first.
        App.Clock.Advance(TimeSpan.FromHours(1));
        var moved = await agent.PatchCaseAsync(byEmail.Id, byEmail.Version, new { departmentId = second });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        await ReplyAsync(agent, byEmail.Id);
        await ReplyAsync(agent, byEmail.Id); // a second answer is not a first answer

        App.Clock.Advance(TimeSpan.FromHours(21));
        agent = await App.AsFrontline();
        var current = await agent.GetFromJsonAsync<CaseDetails>($"/api/v1/cases/{byPhone.Id}", Api.Json);
        Assert.Equal(HttpStatusCode.OK, (await agent.PatchCaseAsync(byPhone.Id, current!.Version, new { status = "Solved" })).StatusCode);

        await ProjectionAssert.CaughtUpAsync(App, CaseFlowProjection.ProjectionName, await ProjectionAssert.LastEventIdAsync(App));
        var lead = await App.AsStaff(StaffRoles.TeamLead);
        var from = DateOnly.FromDateTime(opened.UtcDateTime).AddDays(-1);
        var to = from.AddDays(3);

        var firstTeam = await FlowAsync(lead, $"from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}&teamId={first}");
        Assert.Equal(2, firstTeam.Sum(d => d.Opened));
        Assert.Equal([1, 1], firstTeam.Where(d => d.Opened > 0).OrderBy(d => d.Channel).Select(d => d.Opened));
        var phone = firstTeam.Where(d => d.Channel == Channel.Phone).ToList();
        Assert.Equal(1, phone.Sum(d => d.Answered));
        Assert.Equal(2 * 3600.0, phone.Single(d => d.Answered > 0).AverageAnswerSeconds);
        Assert.Equal(1, phone.Sum(d => d.Solved));
        Assert.Equal(24 * 3600.0, phone.Single(d => d.Solved > 0).AverageResolutionSeconds);
        Assert.Equal(0, firstTeam.Where(d => d.Channel == Channel.Email).Sum(d => d.Answered));

        var secondTeam = await FlowAsync(lead, $"from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}&teamId={second}&channel=email");
        Assert.Equal(0, secondTeam.Sum(d => d.Opened));
        Assert.Equal(1, secondTeam.Sum(d => d.Answered));
        Assert.Equal(3 * 3600.0, secondTeam.Single(d => d.Answered > 0).AverageAnswerSeconds);
        Assert.All(secondTeam, d => Assert.Equal(Channel.Email, d.Channel));
    }

    [Fact]
    public async Task A_rebuild_from_the_whole_log_gives_the_tables_the_running_projection_built()
    {
        var admin = await App.AsAdmin();
        var team = await admin.CreateDepartmentAsync();
        var agent = await App.AsFrontline();
        var customer = await agent.CreateCustomerAsync(new { displayName = "Omar Haddad", preferredLanguage = "ar" });
        for (var i = 0; i < 3; i++)
        {
            var opened = await OpenAsync(agent, customer.Id, i % 2 == 0 ? "Chat" : "Portal", team);
            App.Clock.Advance(TimeSpan.FromMinutes(17 * (i + 1)));
            await ReplyAsync(agent, opened.Id);
        }

        await ProjectionAssert.RebuildGivesTheSameTablesAsync(App, CaseFlowProjection.ProjectionName);

        // And the figures are still there afterwards.
        var lead = await App.AsStaff(StaffRoles.Manager);
        var day = DateOnly.FromDateTime(App.Clock.GetUtcNow().UtcDateTime);
        Assert.Equal(3, (await FlowAsync(lead, $"from={day.AddDays(-2):yyyy-MM-dd}&to={day.AddDays(1):yyyy-MM-dd}&teamId={team}")).Sum(d => d.Opened));
    }

    [Fact]
    public async Task The_rebuild_command_shows_progress_and_refuses_a_name_it_does_not_know()
    {
        var console = new StringWriter();
        Assert.Equal(2, await App.Services.RebuildProjectionAsync("insights.no_such_thing", console));
        Assert.Contains("insights.case_flow", console.ToString(), StringComparison.Ordinal);

        console = new StringWriter();
        Assert.Equal(0, await App.Services.RebuildProjectionAsync(CaseFlowProjection.ProjectionName, console));
        Assert.Contains("100.0%", console.ToString(), StringComparison.Ordinal);
        Assert.Contains("rebuilt from the whole event log", console.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Administrators_see_how_far_behind_each_projection_is()
    {
        var admin = await App.AsAdmin();
        await ProjectionAssert.CaughtUpAsync(App, CaseFlowProjection.ProjectionName, await ProjectionAssert.LastEventIdAsync(App));
        var list = await (await admin.GetAsync("/api/v1/projections")).ReadJsonAsync();
        var flow = list.EnumerateArray().Single(p => p.GetProperty("name").GetString() == CaseFlowProjection.ProjectionName);
        Assert.True(flow.GetProperty("position").GetInt64() > 0);
        Assert.True(flow.GetProperty("last").GetInt64() >= flow.GetProperty("position").GetInt64());
        Assert.True(flow.GetProperty("lagSeconds").GetDouble() >= 0);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await App.AsStaff(StaffRoles.Manager)).GetAsync("/api/v1/projections")).StatusCode);
    }

    [Fact]
    public async Task Bad_questions_get_a_clear_answer_and_front_line_staff_are_not_shown_the_figures()
    {
        var lead = await App.AsStaff(StaffRoles.TeamLead);
        await (await lead.GetAsync("/api/v1/insights/case-flow?channel=pigeon")).AssertRefusedAsync("channel");
        await (await lead.GetAsync("/api/v1/insights/case-flow?channel=3")).AssertRefusedAsync("channel");
        await (await lead.GetAsync("/api/v1/insights/case-flow?from=2026-05-02&to=2026-05-01")).AssertRefusedAsync("from");
        await (await lead.GetAsync("/api/v1/insights/case-flow?from=2024-01-01&to=2026-01-01")).AssertRefusedAsync("from");
        await (await lead.GetAsync($"/api/v1/insights/case-flow?teamId={Guid.NewGuid()}&noTeam=true")).AssertRefusedAsync("noTeam");
        Assert.Equal(HttpStatusCode.Forbidden, (await (await App.AsFrontline()).GetAsync("/api/v1/insights/case-flow")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await (await App.AsStaff(StaffRoles.Executive)).GetAsync("/api/v1/insights/case-flow")).StatusCode);
    }

    [Fact]
    public void Every_projection_has_a_name_people_can_read_in_each_language()
    {
        var localizer = App.Services.GetRequiredService<Microsoft.Extensions.Localization.IStringLocalizer<Ribalta.Platform.Localization.Strings>>();
        var projections = App.Services.GetRequiredService<ProjectionBoard>().All;
        Assert.Contains(projections, p => p.Name == CaseFlowProjection.ProjectionName);
        foreach (var culture in new[] { "en", "it", "es", "ar" })
        {
            var before = System.Globalization.CultureInfo.CurrentUICulture;
            System.Globalization.CultureInfo.CurrentUICulture = new System.Globalization.CultureInfo(culture);
            try
            {
                Assert.All(projections, p => Assert.False(localizer["Projections.Name." + p.Name].ResourceNotFound, $"{p.Name} has no name in {culture}"));
            }
            finally
            {
                System.Globalization.CultureInfo.CurrentUICulture = before;
            }
        }
    }

    private static Task<CaseDetails> OpenAsync(HttpClient agent, Guid customerId, string channel, Guid department) =>
        agent.OpenCaseAsync(new { customerId, subject = "Consegna in ritardo", body = "Il pacco non è arrivato.", channel, departmentId = department });

    private static async Task ReplyAsync(HttpClient agent, long caseId) =>
        Assert.Equal(HttpStatusCode.Created, (await agent.PostAsJsonAsync($"/api/v1/cases/{caseId}/replies", new { body = "Ce ne occupiamo subito." })).StatusCode);

    private static async Task<List<CaseFlowDayDto>> FlowAsync(HttpClient client, string query)
    {
        var response = await client.GetAsync("/api/v1/insights/case-flow?" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<CaseFlowDto>(Api.Json))!.Days.ToList();
    }
}

[Collection(SqliteCollection.Name)]
[Trait("Suite", "Sqlite")]
public sealed class CaseFlowTestsOnSqlite(SqliteAppFixture fixture) : CaseFlowTests(fixture.App);

[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class CaseFlowTestsOnPostgres(PostgresAppFixture fixture) : CaseFlowTests(fixture.App);
