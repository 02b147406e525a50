using System.Net;
using System.Net.Http.Json;
using Ribalta.Empowerment.Contracts;
using Ribalta.Empowerment.Contracts.Events;
using Ribalta.Empowerment.Kindness;
using Ribalta.Platform.Identity;
using Ribalta.Tests.Infrastructure;
using Ribalta.Tests.Integration.Cases;
using Ribalta.Tests.Integration.Platform;
using Xunit;

namespace Ribalta.Tests.Integration.Empowerment;

/// <summary>
/// Planned kindness through the API on both databases: gestures paid from a small team budget (never beyond it, even
/// when two plan at once), done ones on the customer's timeline and in the team's recognition feed; a customer's
/// important moments, remembered to the team a few days before.
/// </summary>
public abstract class KindnessTests(RibaltaApp app)
{
    /// <summary>A team with this monthly kindness budget.</summary>
    private async Task<Guid> TeamAsync(params MoneyDto[] monthly)
    {
        var team = await (await app.AsAdmin()).CreateDepartmentAsync("Care");
        var manager = await app.AsStaff(StaffRoles.Manager);
        Assert.Equal(HttpStatusCode.OK, (await manager.PutAsJsonAsync($"/api/v1/kindness-budgets/{team}", new BudgetInput(monthly), Api.Json)).StatusCode);
        return team;
    }

    private DateOnly Today => DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);

    /// <summary>
    /// Budgets are monthly: a test that plans <paramref name="days"/> ahead and reads this month's budget needs both in
    /// one month. Near a month's end (by the calendar, or after other tests moved the clock) it starts the next month.
    /// </summary>
    private void KeepWithinOneMonth(int days)
    {
        if (Today.AddDays(days).Month != Today.Month)
        {
            var next = new DateTimeOffset(Today.Year, Today.Month, 1, 12, 0, 0, TimeSpan.Zero).AddMonths(1);
            app.Clock.Advance(next - app.Clock.GetUtcNow());
        }
    }

    private static Task<HttpResponseMessage> PlanAsync(HttpClient staff, Guid customerId, GestureInput input) =>
        staff.PostAsJsonAsync($"/api/v1/customers/{customerId}/gestures", input, Api.Json);

    [Fact]
    public async Task Gestures_are_paid_from_the_team_budget_and_done_ones_show_on_the_timeline_and_in_the_feed()
    {
        KeepWithinOneMonth(2);
        var team = await TeamAsync(new MoneyDto(60, "EUR"));
        var (agent, _, agentName) = await app.NewStaffAsync(StaffRoles.Frontline, team);
        var (teammate, _, _) = await app.NewStaffAsync(StaffRoles.Frontline, team);
        var (outsider, _, _) = await app.NewStaffAsync(StaffRoles.Frontline, await TeamAsync());
        var customer = await agent.CreateCustomerAsync(new { displayName = "Giulia Ferri", preferredLanguage = "it" });
        var day = Today.AddDays(2);

        var flowers = await PlanAsync(agent, customer.Id, new GestureInput(GestureKind.Flowers, "Flowers after her surgery", day, new MoneyDto(45, "EUR")));
        Assert.Equal(HttpStatusCode.Created, flowers.StatusCode);
        var planned = (await flowers.Content.ReadFromJsonAsync<GestureDto>(Api.Json))!;

        // 15 EUR left this month: 20 is refused with what is left; a note that costs nothing always fits.
        var tooMuch = await PlanAsync(teammate, customer.Id, new GestureInput(GestureKind.Gift, "A small gift", day, new MoneyDto(20, "EUR")));
        await tooMuch.AssertRefusedAsync("cost");
        Assert.Contains("15.00 EUR", (await tooMuch.ReadJsonAsync()).GetProperty("errors").GetProperty("cost")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, (await PlanAsync(teammate, customer.Id, new GestureInput(GestureKind.HandwrittenNote, "A handwritten note", day))).StatusCode);
        var budget = (await agent.GetFromJsonAsync<List<BudgetDto>>("/api/v1/kindness-budgets", Api.Json))!.Single(b => b.DepartmentId == team);
        Assert.Equal(15m, Assert.Single(budget.Lines).Left.Amount);

        // The team sees what is planned; done, it is on the customer's timeline and in the team's feed, not another team's.
        Assert.Contains((await teammate.GetFromJsonAsync<List<GestureDto>>("/api/v1/gestures", Api.Json))!, g => g.Id == planned.Id);
        // Another team cannot mark it done, nor cancel it (and so free this team's budget).
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.PostAsJsonAsync($"/api/v1/gestures/{planned.Id}/done", new GestureDoneInput("Not ours"), Api.Json)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.PostAsync($"/api/v1/gestures/{planned.Id}/cancel", null)).StatusCode);
        var done = await agent.PostAsJsonAsync($"/api/v1/gestures/{planned.Id}/done", new GestureDoneInput("She called to say thank you"), Api.Json);
        Assert.Equal(GestureStatus.Done, (await done.Content.ReadFromJsonAsync<GestureDto>(Api.Json))!.Status);
        Assert.Equal(HttpStatusCode.Conflict, (await agent.PostAsync($"/api/v1/gestures/{planned.Id}/cancel", null)).StatusCode);
        var feed = (await teammate.GetFromJsonAsync<List<GestureDto>>("/api/v1/gestures?view=feed", Api.Json))!;
        Assert.Contains(feed, g => g.Id == planned.Id && g.DoneByName == agentName && g.Note == "She called to say thank you");
        Assert.DoesNotContain((await outsider.GetFromJsonAsync<List<GestureDto>>("/api/v1/gestures?view=feed", Api.Json))!, g => g.Id == planned.Id);
        Assert.NotNull(await app.Events.WaitForAsync(e => e.Type == GestureDone.Type && e.CustomerId == customer.Id, TimeSpan.FromSeconds(10)));
        var timeline = await (await agent.GetAsync($"/api/v1/customers/{customer.Id}/timeline")).ReadJsonAsync();
        Assert.Contains(timeline.GetProperty("items").EnumerateArray(), e => e.GetProperty("type").GetString() == GestureDone.Type);

        // A cancelled gesture gives its cost back.
        var gift = (await (await PlanAsync(teammate, customer.Id, new GestureInput(GestureKind.Gift, "A book she mentioned", day, new MoneyDto(15, "EUR")))).Content.ReadFromJsonAsync<GestureDto>(Api.Json))!;
        Assert.Equal(HttpStatusCode.OK, (await teammate.PostAsync($"/api/v1/gestures/{gift.Id}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await PlanAsync(agent, customer.Id, new GestureInput(GestureKind.Gift, "Chocolates", day, new MoneyDto(15, "EUR")))).StatusCode);
    }

    [Fact]
    public async Task Two_planning_at_once_cannot_both_take_the_last_of_the_budget()
    {
        var team = await TeamAsync(new MoneyDto(30, "EUR"));
        var (first, _, _) = await app.NewStaffAsync(StaffRoles.Frontline, team);
        var (second, _, _) = await app.NewStaffAsync(StaffRoles.Frontline, team);
        var customer = await first.CreateCustomerAsync(new { displayName = "Omar Haddad", preferredLanguage = "ar" });
        var answers = await Task.WhenAll(
            PlanAsync(first, customer.Id, new GestureInput(GestureKind.Flowers, "Flowers", Today.AddDays(1), new MoneyDto(30, "EUR"))),
            PlanAsync(second, customer.Id, new GestureInput(GestureKind.Flowers, "Flowers too", Today.AddDays(1), new MoneyDto(30, "EUR"))));
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        await Assert.Single(answers, a => a.StatusCode == HttpStatusCode.BadRequest).AssertRefusedAsync("cost", "0.00 EUR left");
    }

    [Fact]
    public async Task Important_moments_are_remembered_to_the_team_a_few_days_before()
    {
        var team = await TeamAsync();
        var (agent, _, _) = await app.NewStaffAsync(StaffRoles.Frontline, team);
        var (teammate, _, _) = await app.NewStaffAsync(StaffRoles.Frontline, team);
        var (outsider, _, _) = await app.NewStaffAsync(StaffRoles.Frontline, await TeamAsync());
        var customer = await agent.CreateCustomerAsync(new { displayName = "Lucía Gómez", preferredLanguage = "es" });

        // Her shop's anniversary, every year, two days from now (a date in a past year); her wedding next month, once.
        var anniversary = new DateOnly(2019, Today.AddDays(2).Month, Today.AddDays(2).Day);
        var noted = await agent.PostAsJsonAsync($"/api/v1/customers/{customer.Id}/moments", new MomentInput("Shop anniversary", anniversary, Yearly: true, RemindDaysBefore: 3), Api.Json);
        Assert.Equal(HttpStatusCode.Created, noted.StatusCode);
        var moment = (await noted.Content.ReadFromJsonAsync<MomentDto>(Api.Json))!;
        Assert.Equal(Today.AddDays(2), moment.Next);
        Assert.Equal(HttpStatusCode.Created, (await agent.PostAsJsonAsync($"/api/v1/customers/{customer.Id}/moments", new MomentInput("Wedding", Today.AddDays(30)), Api.Json)).StatusCode);

        var upcoming = (await teammate.GetFromJsonAsync<List<MomentDto>>("/api/v1/moments/upcoming", Api.Json))!;
        Assert.Contains(upcoming, m => m.Id == moment.Id);
        Assert.DoesNotContain(upcoming, m => m.Title == "Wedding" && m.CustomerId == customer.Id);
        Assert.DoesNotContain((await outsider.GetFromJsonAsync<List<MomentDto>>("/api/v1/moments/upcoming", Api.Json))!, m => m.Id == moment.Id);
        Assert.Equal(2, (await agent.GetFromJsonAsync<List<MomentDto>>($"/api/v1/customers/{customer.Id}/moments", Api.Json))!.Count);

        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.DeleteAsync($"/api/v1/moments/{moment.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await teammate.DeleteAsync($"/api/v1/moments/{moment.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.DeleteAsync($"/api/v1/moments/{moment.Id}")).StatusCode);
        Assert.DoesNotContain((await teammate.GetFromJsonAsync<List<MomentDto>>("/api/v1/moments/upcoming", Api.Json))!, m => m.Id == moment.Id);
    }

    [Fact]
    public async Task Bad_input_is_refused_with_reasons_and_nothing_is_planned()
    {
        var team = await TeamAsync(new MoneyDto(50, "EUR"));
        var (agent, _, _) = await app.NewStaffAsync(StaffRoles.Frontline, team);
        var (loner, _, _) = await app.NewStaffAsync(StaffRoles.Frontline);
        var customer = await agent.CreateCustomerAsync(new { displayName = "James O'Brien", preferredLanguage = "en" });
        var other = await agent.CreateCustomerAsync(new { displayName = "Amelia Hughes", preferredLanguage = "en" });
        var otherCase = (await agent.OpenCaseAsync(new { customerId = other.Id, subject = "Late", body = "Still waiting.", channel = "Phone" })).Id;
        var day = Today.AddDays(1);

        await (await PlanAsync(agent, customer.Id, new GestureInput(null, "Flowers", day))).AssertRefusedAsync("kind");
        await (await PlanAsync(agent, customer.Id, new GestureInput(GestureKind.Flowers, " ", day))).AssertRefusedAsync("description");
        await (await PlanAsync(agent, customer.Id, new GestureInput(GestureKind.Flowers, "Flowers", Today.AddDays(-1)))).AssertRefusedAsync("plannedFor");
        await (await PlanAsync(agent, customer.Id, new GestureInput(GestureKind.Flowers, "Flowers", Today.AddDays(400)))).AssertRefusedAsync("plannedFor");
        await (await PlanAsync(agent, customer.Id, new GestureInput(GestureKind.Flowers, "Flowers", day, new MoneyDto(-5, "EUR")))).AssertRefusedAsync("cost.amount");
        await (await PlanAsync(agent, customer.Id, new GestureInput(GestureKind.Flowers, "Flowers", day, new MoneyDto(5, "EUX")))).AssertRefusedAsync("cost.currency");
        await (await PlanAsync(agent, customer.Id, new GestureInput(GestureKind.Flowers, "Flowers", day, new MoneyDto(5, "USD")))).AssertRefusedAsync("cost");
        await (await PlanAsync(agent, customer.Id, new GestureInput(GestureKind.Flowers, "Flowers", day, CaseId: otherCase))).AssertRefusedAsync("caseId");
        await (await PlanAsync(loner, customer.Id, new GestureInput(GestureKind.Flowers, "Flowers", day, new MoneyDto(5, "EUR")))).AssertRefusedAsync("cost");
        Assert.Equal(HttpStatusCode.NotFound, (await PlanAsync(agent, Guid.NewGuid(), new GestureInput(GestureKind.Flowers, "Flowers", day))).StatusCode);
        Assert.Empty((await agent.GetFromJsonAsync<List<GestureDto>>($"/api/v1/customers/{customer.Id}/gestures", Api.Json))!);

        await (await agent.PostAsJsonAsync($"/api/v1/customers/{customer.Id}/moments", new MomentInput(" ", day), Api.Json)).AssertRefusedAsync("title");
        await (await agent.PostAsJsonAsync($"/api/v1/customers/{customer.Id}/moments", new MomentInput("Wedding", Today.AddDays(-3)), Api.Json)).AssertRefusedAsync("date");
        await (await agent.PostAsJsonAsync($"/api/v1/customers/{customer.Id}/moments", new MomentInput("Wedding", day, RemindDaysBefore: 90), Api.Json)).AssertRefusedAsync("remindDaysBefore");
        await (await (await app.AsStaff(StaffRoles.Manager)).PutAsJsonAsync($"/api/v1/kindness-budgets/{team}", new BudgetInput([new MoneyDto(10, "EUR"), new MoneyDto(20, "EUR")]), Api.Json)).AssertRefusedAsync("monthly[1].currency");
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PutAsJsonAsync($"/api/v1/kindness-budgets/{team}", new BudgetInput([new MoneyDto(9999, "EUR")]), Api.Json)).StatusCode);
        await (await agent.GetAsync("/api/v1/gestures?view=everything")).AssertRefusedAsync("view");
    }
}

[Collection(SqliteCollection.Name)]
[Trait("Suite", "Sqlite")]
public sealed class KindnessTestsOnSqlite(SqliteAppFixture fixture) : KindnessTests(fixture.App);

[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class KindnessTestsOnPostgres(PostgresAppFixture fixture) : KindnessTests(fixture.App);
