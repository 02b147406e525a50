using System.Net;
using System.Net.Http.Json;
using Ribalta.Cases.Contracts;
using Ribalta.Platform.Identity;
using Ribalta.Tests.Infrastructure;
using Xunit;

namespace Ribalta.Tests.Integration.Cases;

/// <summary>A case goes only to someone who can work it: an executive, who may look but not work cases, is refused.</summary>
public abstract class CaseAssignmentTests(RibaltaApp app)
{
    protected RibaltaApp App { get; } = app;

    [Fact]
    public async Task A_case_is_assigned_only_to_staff_whose_roles_work_cases()
    {
        var agent = await App.AsFrontline();
        var customer = await agent.CreateCustomerAsync(new { displayName = "Assigned Person" });
        var opened = await agent.OpenCaseAsync(new { customerId = customer.Id, subject = "Who takes it", body = "Anyone?" });
        var executiveName = Api.Unique("Exec ");
        var executive = await App.CreateStaffAsync(Api.Unique("exec") + "@staff.test", executiveName, [StaffRoles.Executive]);
        var workerName = Api.Unique("Worker ");
        var worker = await App.CreateStaffAsync(Api.Unique("worker") + "@staff.test", workerName, [StaffRoles.Department]);

        var refused = await agent.PatchCaseAsync(opened.Id, opened.Version, new { assigneeId = executive.Id });
        await refused.AssertRefusedAsync("assigneeId");
        var unchanged = (await agent.GetFromJsonAsync<CaseDetails>($"/api/v1/cases/{opened.Id}", Api.Json))!;
        Assert.Equal(opened.Version, unchanged.Version);
        Assert.Null(unchanged.AssigneeId);

        var assigned = await agent.PatchCaseAsync(opened.Id, opened.Version, new { assigneeId = worker.Id });
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
        Assert.Equal(worker.Id, (await agent.GetFromJsonAsync<CaseDetails>($"/api/v1/cases/{opened.Id}", Api.Json))!.AssigneeId);

        // The case page's picker offers only people who can work the case.
        var page = System.Net.WebUtility.HtmlDecode(await agent.GetStringAsync($"/cases/{opened.Id}"));
        Assert.Contains(workerName, page, StringComparison.Ordinal);
        Assert.DoesNotContain(executiveName, page, StringComparison.Ordinal);
    }
}

[Collection(SqliteCollection.Name)]
[Trait("Suite", "Sqlite")]
public sealed class CaseAssignmentTestsOnSqlite(SqliteAppFixture fixture) : CaseAssignmentTests(fixture.App);

[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class CaseAssignmentTestsOnPostgres(PostgresAppFixture fixture) : CaseAssignmentTests(fixture.App);
