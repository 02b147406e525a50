using System.Net;
using System.Net.Http.Json;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Contracts.Events;
using Ribalta.Cases.Targets;
using Ribalta.Platform.Identity;
using Ribalta.Tests.Infrastructure;
using Ribalta.Tests.Integration.Platform;
using Xunit;

namespace Ribalta.Tests.Integration.Cases;

/// <summary>
/// Working calendars, targets and due times through the API, with the application's fake clock. Each test uses
/// its own department and segment, so the organisation-wide settings other tests see stay untouched.
/// </summary>
public abstract class TargetTests(RibaltaApp app)
{
    private static readonly TimeZoneInfo Rome = TimeZoneInfo.FindSystemTimeZoneById("Europe/Rome");

    protected RibaltaApp App { get; } = app;

    private static DateTimeOffset RomeTime(DateOnly day, int hour, int minute = 0)
    {
        var local = day.ToDateTime(new TimeOnly(hour, minute));
        return new DateTimeOffset(local, Rome.GetUtcOffset(local));
    }

    /// <summary>Moves the shared clock forward to the next Friday at 16:00 in Rome (at least a day ahead).</summary>
    private DateOnly AdvanceToFridayAfternoon()
    {
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(App.Clock.GetUtcNow(), Rome).DateTime).AddDays(1);
        while (day.DayOfWeek != DayOfWeek.Friday)
        {
            day = day.AddDays(1);
        }

        App.Clock.Advance(RomeTime(day, 16) - App.Clock.GetUtcNow());
        return day;
    }

    private static async Task<CaseDetails> GetAsync(HttpClient client, long id) =>
        (await client.GetFromJsonAsync<CaseDetails>($"/api/v1/cases/{id}", Api.Json))!;

    [Fact]
    public async Task Due_times_follow_the_department_calendar_across_a_weekend_and_a_holiday_and_pause_while_waiting_on_the_customer()
    {
        // Sessions expire as the clock moves days ahead: sign in after each move.
        var friday = AdvanceToFridayAfternoon();
        var monday = friday.AddDays(3);
        var admin = await App.AsAdmin();
        var manager = await App.AsStaff(StaffRoles.Manager);
        var agent = await App.AsFrontline();
        var department = await admin.CreateDepartmentAsync("Billing");

        // Monday after this Friday is a holiday for this department.
        var calendar = await manager.PutAsJsonAsync($"/api/v1/calendars/{department}", new
        {
            timeZone = "Europe/Rome",
            hours = new Dictionary<string, string> { ["mon"] = "09:00-17:00", ["tue"] = "09:00-17:00", ["wed"] = "09:00-17:00", ["thu"] = "09:00-17:00", ["fri"] = "09:00-17:00" },
            holidays = new[] { new { date = monday, name = "Ponte" } },
        }, Api.Json);
        Assert.Equal(HttpStatusCode.OK, calendar.StatusCode);

        var segment = (await (await manager.PostAsJsonAsync("/api/v1/segments", new { name = $"VIP {Guid.NewGuid():N}" })).ReadJsonAsync()).GetProperty("id").GetGuid();
        var targets = await manager.PutAsJsonAsync("/api/v1/targets", new[] { new { priority = "High", segmentId = segment, firstResponseMinutes = 120, resolutionMinutes = 960 } }, Api.Json);
        Assert.Equal(HttpStatusCode.OK, targets.StatusCode);

        var customer = await agent.CreateCustomerAsync(new { displayName = "Giulia Conti", preferredLanguage = "it", segmentIds = new[] { segment } });
        var opened = await agent.OpenCaseAsync(new { customerId = customer.Id, subject = "Fattura doppia", body = "Mi avete addebitato due volte.", priority = "High" });
        Assert.Equal(120, opened.Targets!.FirstResponseTargetMinutes);

        // In the department: one working hour left on Friday, Monday is a holiday, so the first answer is due Tuesday 10:00.
        var moved = await agent.PatchCaseAsync(opened, new { departmentId = department });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var details = (await moved.Content.ReadFromJsonAsync<CaseDetails>(Api.Json))!;
        Assert.Equal(RomeTime(monday.AddDays(1), 10), details.Targets!.FirstResponseDueAt);
        Assert.Equal(RomeTime(monday.AddDays(2), 16), details.Targets.ResolutionDueAt);

        // Answered after half an hour, then waiting on the customer: the resolution clock keeps its 15.5 working hours.
        App.Clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(HttpStatusCode.Created, (await agent.PostAsJsonAsync($"/api/v1/cases/{opened.Id}/replies", new { body = "Controllo subito.", statusAfter = "WaitingOnCustomer" }, Api.Json)).StatusCode);
        details = await GetAsync(agent, opened.Id);
        Assert.Null(details.Targets!.ResolutionDueAt);
        Assert.Equal(55_800L, details.Targets.ResolutionSecondsLeftWhilePaused);
        Assert.Null(details.Targets.FirstResponseBreachedAt);

        // Back on the holiday Monday afternoon: the clock resumes from Tuesday 09:00, due Wednesday 16:30.
        App.Clock.Advance(RomeTime(monday, 16, 30) - App.Clock.GetUtcNow());
        agent = await App.AsFrontline();
        var resumed = await agent.PatchCaseAsync(details, new { status = "Open" });
        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        details = (await resumed.Content.ReadFromJsonAsync<CaseDetails>(Api.Json))!;
        var due = RomeTime(monday.AddDays(2), 16, 30);
        Assert.Equal(due, details.Targets!.ResolutionDueAt);

        // Past due: the case is in the overdue view and the breach is recorded once, as an event, by the monitor.
        App.Clock.Advance(due.AddMinutes(5) - App.Clock.GetUtcNow());
        agent = await App.AsFrontline();
        var overdue = (await agent.GetFromJsonAsync<CasePage>($"/api/v1/cases?view=Overdue&departmentId={department}", Api.Json))!;
        Assert.Equal(opened.Id, Assert.Single(overdue.Items).Id);
        Assert.Equal(due, overdue.Items[0].DueAt);

        var key = opened.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var breach = await App.Events.WaitForAsync(e => e.Type == CaseTargetBreached.Type && e.SubjectId == key, TimeSpan.FromSeconds(15));
        Assert.NotNull(breach);
        Assert.Contains("resolution", breach.Payload, StringComparison.Ordinal);
        details = await GetAsync(agent, opened.Id);
        Assert.Equal(due, details.Targets!.ResolutionBreachedAt);

        // Solving it takes it off the overdue view.
        Assert.Equal(HttpStatusCode.OK, (await agent.PatchCaseAsync(details, new { status = "Solved" })).StatusCode);
        Assert.Empty((await agent.GetFromJsonAsync<CasePage>($"/api/v1/cases?view=Overdue&departmentId={department}", Api.Json))!.Items);
    }

    [Fact]
    public async Task Bad_calendars_and_targets_are_refused_and_change_nothing()
    {
        var admin = await App.AsAdmin();
        var manager = await App.AsStaff(StaffRoles.Manager);
        var department = await admin.CreateDepartmentAsync("Billing");
        var before = await manager.GetStringAsync($"/api/v1/calendars/{department}");
        var targetsBefore = await manager.GetStringAsync("/api/v1/targets");
        var week = new Dictionary<string, string> { ["mon"] = "09:00-17:00" };

        static async Task RefusedAsync(HttpResponseMessage response, string field) => await response.AssertRefusedAsync(field);

        await RefusedAsync(await manager.PutAsJsonAsync($"/api/v1/calendars/{department}", new { timeZone = "Mars/Olympus", hours = week }), "timeZone");
        await RefusedAsync(await manager.PutAsJsonAsync($"/api/v1/calendars/{department}", new { timeZone = "Europe/Rome", hours = new Dictionary<string, string> { ["mon"] = "17:00-09:00" } }), "hours.mon");
        await RefusedAsync(await manager.PutAsJsonAsync($"/api/v1/calendars/{department}", new { timeZone = "Europe/Rome", hours = new Dictionary<string, string>() }), "hours");
        await RefusedAsync(await manager.PutAsJsonAsync($"/api/v1/calendars/{department}", new
        {
            timeZone = "Europe/Rome",
            hours = week,
            holidays = new[] { new { date = "2027-01-01", name = "Capodanno" }, new { date = "2027-01-01", name = "Again" } },
        }), "holidays");
        Assert.Equal(HttpStatusCode.NotFound, (await manager.PutAsJsonAsync($"/api/v1/calendars/{Guid.NewGuid()}", new { timeZone = "Europe/Rome", hours = week })).StatusCode);
        Assert.Equal(before, await manager.GetStringAsync($"/api/v1/calendars/{department}"));

        await RefusedAsync(await manager.PutAsJsonAsync("/api/v1/targets", new object[] { new { priority = "High", firstResponseMinutes = 0 } }), "targets[0].firstResponseMinutes");
        await RefusedAsync(await manager.PutAsJsonAsync("/api/v1/targets", new object[] { new { priority = "High" } }), "targets[0]");
        await RefusedAsync(await manager.PutAsJsonAsync("/api/v1/targets", new object[] { new { priority = "Low", segmentId = Guid.NewGuid(), resolutionMinutes = 60 } }), "targets[0].segmentId");
        await RefusedAsync(await manager.PutAsJsonAsync("/api/v1/targets", new object[] { new { priority = "Low", resolutionMinutes = 60 }, new { priority = "Low", resolutionMinutes = 90 } }), "targets");
        Assert.Equal(targetsBefore, await manager.GetStringAsync("/api/v1/targets"));

        // Department names are unique, ignoring case.
        var name = (await admin.GetFromJsonAsync<List<DepartmentDto>>("/api/v1/departments", Api.Json))!.First(d => d.Id == department).Name;
        await RefusedAsync(await admin.PostAsJsonAsync("/api/v1/departments", new { name = name.ToUpperInvariant() }), "name");
        await RefusedAsync(await admin.PostAsJsonAsync("/api/v1/departments", new { name = "  " }), "name");
    }

    [Fact]
    public async Task My_teams_view_lists_the_open_cases_of_my_department()
    {
        var admin = await App.AsAdmin();
        var department = await admin.CreateDepartmentAsync("Billing");
        var email = $"team-{Guid.NewGuid():N}@staff.test";
        var member = await App.CreateStaffAsync(email, "Team Member", [StaffRoles.Frontline]);
        var agent = await App.SignInAsync(email, RibaltaApp.Password);
        Assert.Empty((await agent.GetFromJsonAsync<CasePage>("/api/v1/cases?view=Team", Api.Json))!.Items);

        var joined = await admin.PutAsJsonAsync($"/api/v1/staff/{member.Id}/department", new { departmentId = department });
        Assert.Equal(HttpStatusCode.OK, joined.StatusCode);
        Assert.Equal(department, (await joined.Content.ReadFromJsonAsync<StaffSummary>(Api.Json))!.DepartmentId);

        var customer = await agent.CreateCustomerAsync(new { displayName = "Omar Haddad", preferredLanguage = "ar" });
        Task<CaseDetails> OpenAsync(string subject) => agent.OpenCaseAsync(new { customerId = customer.Id, subject, body = "مرحبا" });
        var ours = await OpenAsync("Ours");
        var elsewhere = await OpenAsync("Elsewhere");
        Assert.Equal(HttpStatusCode.OK, (await agent.PatchCaseAsync(ours, new { departmentId = department })).StatusCode);

        var team = (await agent.GetFromJsonAsync<CasePage>("/api/v1/cases?view=Team", Api.Json))!;
        Assert.Contains(team.Items, c => c.Id == ours.Id);
        Assert.DoesNotContain(team.Items, c => c.Id == elsewhere.Id);
        await (await admin.PutAsJsonAsync($"/api/v1/staff/{member.Id}/department", new { departmentId = Guid.NewGuid() })).AssertRefusedAsync("departmentId", "no such department");
    }
}

[Collection(SqliteCollection.Name)]
[Trait("Suite", "Sqlite")]
public sealed class TargetTestsOnSqlite(SqliteAppFixture fixture) : TargetTests(fixture.App);

[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class TargetTestsOnPostgres(PostgresAppFixture fixture) : TargetTests(fixture.App);
