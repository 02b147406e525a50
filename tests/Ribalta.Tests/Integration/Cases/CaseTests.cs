using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Contracts.Events;
using Ribalta.Cases.Inbox;
using Ribalta.Tests.Infrastructure;
using Xunit;

namespace Ribalta.Tests.Integration.Cases;

public abstract class CaseTests(RibaltaApp app)
{
    protected RibaltaApp App { get; } = app;

    private async Task<(HttpClient Agent, CaseDetails Case)> OpenCaseAsync(string subject = "Parcel never arrived")
    {
        var agent = await App.AsFrontline();
        var customer = await agent.CreateCustomerAsync(new { displayName = "Lucía García", preferredLanguage = "es" });
        return (agent, await agent.OpenCaseAsync(new { customerId = customer.Id, subject, body = "Mi paquete no ha llegado.", channel = "Phone" }));
    }

    private static async Task<IReadOnlyList<MessageDto>> MessagesAsync(HttpClient client, long caseId) =>
        (await client.GetFromJsonAsync<MessagePage>($"/api/v1/cases/{caseId}/messages", Api.Json))!.Items;

    [Fact]
    public async Task A_case_opened_by_phone_starts_with_the_customers_words_in_their_language()
    {
        var (agent, opened) = await OpenCaseAsync();
        Assert.Equal(CaseStatus.New, opened.Status);
        Assert.Equal(Channel.Phone, opened.Channel);
        Assert.Equal("es", opened.Language);
        Assert.Equal("Lucía García", opened.CustomerName);

        var message = Assert.Single(await MessagesAsync(agent, opened.Id));
        Assert.Equal(MessageKind.Customer, message.Kind);
        Assert.Equal("Lucía García", message.AuthorName);

        var timeline = await (await agent.GetAsync($"/api/v1/customers/{opened.CustomerId}/timeline")).ReadJsonAsync();
        Assert.Equal("case.opened", timeline.GetProperty("items")[0].GetProperty("type").GetString());
    }

    [Fact]
    public async Task Replies_notes_and_calls_build_the_conversation()
    {
        var (agent, opened) = await OpenCaseAsync();
        Assert.Equal(HttpStatusCode.Created, (await agent.PostAsJsonAsync($"/api/v1/cases/{opened.Id}/notes", new { body = "Checked with logistics: lost in transit." })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await agent.PostAsJsonAsync($"/api/v1/cases/{opened.Id}/calls", new { direction = "Outbound", durationSeconds = 240, summary = "Called to confirm the address." })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await agent.PostAsJsonAsync($"/api/v1/cases/{opened.Id}/replies", new { body = "Le enviamos otro paquete hoy." })).StatusCode);

        var messages = await MessagesAsync(agent, opened.Id);
        Assert.Equal([MessageKind.Customer, MessageKind.InternalNote, MessageKind.Call, MessageKind.Reply], messages.Select(m => m.Kind).ToArray());
        Assert.Equal(240, messages[2].CallSeconds);
        Assert.Equal(CallDirection.Outbound, messages[2].CallDirection);

        var details = (await agent.GetFromJsonAsync<CaseDetails>($"/api/v1/cases/{opened.Id}", Api.Json))!;
        Assert.Equal(CaseStatus.WaitingOnCustomer, details.Status);
        Assert.NotNull(details.FirstRespondedAt);
    }

    [Fact]
    public async Task Bad_writes_are_refused_and_change_nothing()
    {
        var (agent, opened) = await OpenCaseAsync();
        await (await agent.PostAsJsonAsync($"/api/v1/cases/{opened.Id}/replies", new { body = "   " })).AssertRefusedAsync("body", "required");
        await (await agent.PostAsJsonAsync($"/api/v1/cases/{opened.Id}/replies", new { body = new string('x', 50_001) })).AssertRefusedAsync("body", "At most");
        await (await agent.PostAsJsonAsync($"/api/v1/cases/{opened.Id}/replies", new { body = "Done", statusAfter = "Closed" })).AssertRefusedAsync("statusAfter");
        await (await agent.PostAsJsonAsync($"/api/v1/cases/{opened.Id}/calls", new { direction = "Inbound", durationSeconds = -5, summary = "x" })).AssertRefusedAsync("durationSeconds");
        Assert.Equal(HttpStatusCode.NotFound, (await agent.PostAsJsonAsync("/api/v1/cases/987654321/replies", new { body = "Hello" })).StatusCode);
        await (await agent.PostAsJsonAsync("/api/v1/cases", new { customerId = Guid.NewGuid(), subject = "x", body = "y" })).AssertRefusedAsync("customerId", "no such customer");
        var empty = await agent.PostAsJsonAsync("/api/v1/cases", new { customerId = opened.CustomerId, subject = "", body = "" });
        await empty.AssertRefusedAsync("subject", "required");
        await empty.AssertRefusedAsync("body", "required");

        Assert.Single(await MessagesAsync(agent, opened.Id));
        var details = (await agent.GetFromJsonAsync<CaseDetails>($"/api/v1/cases/{opened.Id}", Api.Json))!;
        Assert.Equal(opened.Version, details.Version);
    }

    [Fact]
    public async Task Status_changes_follow_the_rules_and_need_the_current_version()
    {
        var (agent, opened) = await OpenCaseAsync();
        var url = $"/api/v1/cases/{opened.Id}";
        var noIfMatch = await agent.PatchAsync(url, JsonContent.Create(new { status = "Open" }, options: Api.Json));
        Assert.Equal((HttpStatusCode)428, noIfMatch.StatusCode);

        var toClosed = await agent.PatchCaseAsync(opened.Id, opened.Version, new { status = "Closed" });
        await toClosed.AssertRefusedAsync("status", "cannot go from New to Closed");

        var solved = await agent.PatchCaseAsync(opened.Id, opened.Version, new { status = "Solved", priority = "High", tags = new[] { "Late Delivery", "late delivery" } });
        Assert.Equal(HttpStatusCode.OK, solved.StatusCode);
        var afterSolve = (await solved.Content.ReadFromJsonAsync<CaseDetails>(Api.Json))!;
        Assert.Equal(CaseStatus.Solved, afterSolve.Status);
        Assert.Equal(CasePriority.High, afterSolve.Priority);
        Assert.Equal(["late-delivery"], afterSolve.Tags);
        Assert.NotNull(afterSolve.SolvedAt);

        Assert.Equal(HttpStatusCode.PreconditionFailed, (await agent.PatchCaseAsync(opened.Id, opened.Version, new { status = "Closed" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await agent.PatchCaseAsync(opened.Id, afterSolve.Version, new { status = "Closed" })).StatusCode);

        Assert.Equal(HttpStatusCode.Conflict, (await agent.PostAsJsonAsync($"{url}/replies", new { body = "One more thing" })).StatusCode);
        var closed = (await agent.GetFromJsonAsync<CaseDetails>(url, Api.Json))!;
        Assert.Equal(HttpStatusCode.Conflict, (await agent.PatchCaseAsync(opened.Id, closed.Version, new { priority = "Low" })).StatusCode);
    }

    [Fact]
    public async Task Two_agents_replying_at_once_both_get_their_words_in()
    {
        var (agent, opened) = await OpenCaseAsync();
        var other = await App.AsStaff("TeamLead");
        var replies = Enumerable.Range(0, 8).Select(i => (i % 2 == 0 ? agent : other).PostAsJsonAsync($"/api/v1/cases/{opened.Id}/replies", new { body = $"Reply {i}" }));
        var responses = await Task.WhenAll(replies);
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));

        var messages = await MessagesAsync(agent, opened.Id);
        Assert.Equal(9, messages.Count);
        Assert.Equal(8, messages.Count(m => m.Kind == MessageKind.Reply));
    }

    [Fact]
    public async Task Inbox_views_show_mine_and_unassigned_and_page_without_repeats()
    {
        var (agent, first) = await OpenCaseAsync("Inbox first");
        var (_, second) = await OpenCaseAsync("Inbox second");
        var me = (await (await agent.GetAsync("/api/v1/me")).ReadJsonAsync()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await agent.PatchCaseAsync(first.Id, first.Version, new { assigneeId = me })).StatusCode);

        var mine = (await agent.GetFromJsonAsync<CasePage>("/api/v1/cases?view=Mine&limit=200", Api.Json))!;
        Assert.Contains(mine.Items, c => c.Id == first.Id && c.AssigneeName is not null);
        Assert.DoesNotContain(mine.Items, c => c.Id == second.Id);

        var unassigned = (await agent.GetFromJsonAsync<CasePage>("/api/v1/cases?view=Unassigned&limit=200", Api.Json))!;
        Assert.Contains(unassigned.Items, c => c.Id == second.Id);
        Assert.DoesNotContain(unassigned.Items, c => c.Id == first.Id);

        var seen = new List<long>();
        string? after = null;
        do
        {
            var page = (await agent.GetFromJsonAsync<CasePage>($"/api/v1/cases?view=All&limit=3&after={after}", Api.Json))!;
            seen.AddRange(page.Items.Select(c => c.Id));
            after = page.Next;
        }
        while (after is not null);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Contains(first.Id, seen);
        Assert.Contains(second.Id, seen);

        var forCustomer = (await agent.GetFromJsonAsync<CasePage>($"/api/v1/cases?view=All&customerId={second.CustomerId}", Api.Json))!;
        Assert.Equal([second.Id], forCustomer.Items.Select(c => c.Id).ToArray());
    }

    [Fact]
    public async Task Inbox_counts_follow_every_change_and_always_equal_the_cases_themselves()
    {
        var agent = await App.AsFrontline();
        async Task<InboxCounts> CountsAsync() => (await agent.GetFromJsonAsync<InboxCounts>("/api/v1/cases/counts", Api.Json))!;
        var before = await CountsAsync();

        var (_, opened) = await OpenCaseAsync("Counted");
        var afterOpen = await CountsAsync();
        Assert.Equal(before.All + 1, afterOpen.All);
        Assert.Equal(before.Open + 1, afterOpen.Open);
        Assert.Equal(before.Unassigned + 1, afterOpen.Unassigned);
        Assert.Equal(before.WaitingOnUs + 1, afterOpen.WaitingOnUs);

        var me = (await (await agent.GetAsync("/api/v1/me")).ReadJsonAsync()).GetProperty("id").GetGuid();
        var assigned = (await (await agent.PatchCaseAsync(opened.Id, opened.Version, new { assigneeId = me })).Content.ReadFromJsonAsync<CaseDetails>(Api.Json))!;
        var afterAssign = await CountsAsync();
        Assert.Equal(afterOpen.Mine + 1, afterAssign.Mine);
        Assert.Equal(afterOpen.Unassigned - 1, afterAssign.Unassigned);

        Assert.Equal(HttpStatusCode.Created, (await agent.PostAsJsonAsync($"/api/v1/cases/{opened.Id}/replies", new { body = "Resuelto.", statusAfter = "Solved" }, Api.Json)).StatusCode);
        var afterSolve = await CountsAsync();
        Assert.Equal(afterAssign.Mine - 1, afterSolve.Mine);
        Assert.Equal(afterAssign.Open - 1, afterSolve.Open);
        Assert.Equal(afterAssign.Done + 1, afterSolve.Done);
        Assert.Equal(afterAssign.All, afterSolve.All);
        Assert.NotEqual(assigned.Version, opened.Version);

        // The maintained buckets are exactly what counting every case would give.
        var (buckets, actual) = await App.WithServices(async sp =>
        {
            var db = sp.GetRequiredService<Ribalta.Platform.Data.RibaltaDbContext>();
            var kept = await db.Set<Ribalta.Cases.Inbox.CaseCount>().Where(c => c.Count != 0)
                .Select(c => new { c.Status, c.AssigneeKey, c.DepartmentKey, c.Count }).ToListAsync();
            var counted = await db.Set<Ribalta.Cases.Domain.Case>()
                .GroupBy(c => new { c.Status, c.AssigneeId, c.DepartmentId })
                .Select(g => new { g.Key.Status, g.Key.AssigneeId, g.Key.DepartmentId, Count = (long)g.Count() }).ToListAsync();
            return (
                kept.Select(k => $"{k.Status}/{k.AssigneeKey}/{k.DepartmentKey}={k.Count}").Order(StringComparer.Ordinal).ToList(),
                counted.Select(c => $"{c.Status}/{c.AssigneeId ?? Guid.Empty}/{c.DepartmentId ?? Guid.Empty}={c.Count}").Order(StringComparer.Ordinal).ToList());
        });
        Assert.Equal(actual, buckets);
    }

    [Fact]
    public async Task Inbox_narrows_by_priority_and_filters_are_saved_personal_or_shared_by_leads()
    {
        var (agent, urgent) = await OpenCaseAsync("Urgent one");
        Assert.Equal(HttpStatusCode.OK, (await agent.PatchCaseAsync(urgent.Id, urgent.Version, new { priority = "Urgent" })).StatusCode);
        var (_, normal) = await OpenCaseAsync("Normal one");

        var page = (await agent.GetFromJsonAsync<CasePage>("/api/v1/cases?view=Open&priority=Urgent&limit=200", Api.Json))!;
        Assert.Contains(page.Items, c => c.Id == urgent.Id);
        Assert.DoesNotContain(page.Items, c => c.Id == normal.Id);
        Assert.All(page.Items, c => Assert.Equal(CasePriority.Urgent, c.Priority));

        var personal = await agent.PostAsJsonAsync("/api/v1/saved-filters", new { name = "Mis urgentes", view = "Open", priority = "Urgent" }, Api.Json);
        Assert.Equal(HttpStatusCode.OK, personal.StatusCode);
        var mine = (await personal.Content.ReadFromJsonAsync<SavedFilterDto>(Api.Json))!;
        Assert.False(mine.Shared);

        // Sharing with everyone is for leads and managers; a bad filter changes nothing.
        await (await agent.PostAsJsonAsync("/api/v1/saved-filters", new { name = "For all", view = "Open", shared = true }, Api.Json)).AssertRefusedAsync("shared");
        await (await agent.PostAsJsonAsync("/api/v1/saved-filters", new { name = "", view = "Open" }, Api.Json)).AssertRefusedAsync("name", "required");
        await (await agent.PostAsJsonAsync("/api/v1/saved-filters", new { name = "x", view = "Open", departmentId = Guid.NewGuid() }, Api.Json)).AssertRefusedAsync("departmentId");

        var lead = await App.AsStaff(Ribalta.Platform.Identity.StaffRoles.TeamLead);
        var shared = (await (await lead.PostAsJsonAsync("/api/v1/saved-filters", new { name = $"Team urgent {Guid.NewGuid():N}", view = "WaitingOnUs", priority = "Urgent", shared = true }, Api.Json))
            .Content.ReadFromJsonAsync<SavedFilterDto>(Api.Json))!;

        var visible = (await agent.GetFromJsonAsync<List<SavedFilterDto>>("/api/v1/saved-filters", Api.Json))!;
        Assert.Contains(visible, f => f.Id == mine.Id && f.Mine);
        Assert.Contains(visible, f => f.Id == shared.Id && f.Shared && !f.Mine);
        Assert.DoesNotContain((await lead.GetFromJsonAsync<List<SavedFilterDto>>("/api/v1/saved-filters", Api.Json))!, f => f.Id == mine.Id);

        Assert.Equal(HttpStatusCode.Forbidden, (await agent.DeleteAsync($"/api/v1/saved-filters/{shared.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await lead.DeleteAsync($"/api/v1/saved-filters/{mine.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await agent.DeleteAsync($"/api/v1/saved-filters/{mine.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await lead.DeleteAsync($"/api/v1/saved-filters/{shared.Id}")).StatusCode);
        Assert.DoesNotContain((await agent.GetFromJsonAsync<List<SavedFilterDto>>("/api/v1/saved-filters", Api.Json))!, f => f.Id == mine.Id || f.Id == shared.Id);
    }

    [Fact]
    public async Task A_note_mentioning_a_colleague_puts_the_case_in_their_mentions_until_they_open_it()
    {
        var (agent, opened) = await OpenCaseAsync("Needs billing");
        var tag = Guid.NewGuid().ToString("N")[..8];
        var email = $"mara-{tag}@staff.test";
        await App.CreateStaffAsync(email, $"Mara Rinaldi {tag}", [Ribalta.Platform.Identity.StaffRoles.Department]);
        var mara = await App.SignInAsync(email, RibaltaApp.Password);

        Assert.Equal(HttpStatusCode.Created, (await agent.PostAsJsonAsync($"/api/v1/cases/{opened.Id}/notes", new { body = $"@Mara Rinaldi {tag} can you confirm the double charge?" })).StatusCode);
        var mentions = (await mara.GetFromJsonAsync<CasePage>("/api/v1/cases?view=Mentions", Api.Json))!;
        Assert.Equal(opened.Id, Assert.Single(mentions.Items).Id);
        Assert.Equal(1, (await mara.GetFromJsonAsync<InboxCounts>("/api/v1/cases/counts", Api.Json))!.UnseenMentions);
        var key = opened.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.NotNull(await App.Events.WaitForAsync(e => e.Type == CaseMentioned.Type && e.SubjectId == key, TimeSpan.FromSeconds(5)));

        // Mentioned again by handle: still one row for the case, unseen until Mara opens it.
        Assert.Equal(HttpStatusCode.Created, (await agent.PostAsJsonAsync($"/api/v1/cases/{opened.Id}/notes", new { body = $"Reminder @mara-{tag}" })).StatusCode);
        Assert.Single((await mara.GetFromJsonAsync<CasePage>("/api/v1/cases?view=Mentions", Api.Json))!.Items);
        Assert.Equal(HttpStatusCode.NoContent, (await mara.PostAsync($"/api/v1/cases/{opened.Id}/mentions/seen", null)).StatusCode);
        Assert.Equal(0, (await mara.GetFromJsonAsync<InboxCounts>("/api/v1/cases/counts", Api.Json))!.UnseenMentions);
        Assert.Single((await mara.GetFromJsonAsync<CasePage>("/api/v1/cases?view=Mentions", Api.Json))!.Items);

        // Nobody else's mentions show up in an agent's view.
        Assert.DoesNotContain((await agent.GetFromJsonAsync<CasePage>("/api/v1/cases?view=Mentions", Api.Json))!.Items, c => c.Id == opened.Id);
    }

    [Fact]
    public async Task Merging_moves_the_conversation_and_closes_the_duplicate()
    {
        var (agent, first) = await OpenCaseAsync("Lost parcel");
        var duplicate = await agent.OpenCaseAsync(new { customerId = first.CustomerId, subject = "Lost parcel again", body = "Still nothing.", channel = "Email" });
        await agent.PostAsJsonAsync($"/api/v1/cases/{duplicate.Id}/notes", new { body = "Same parcel as the other case." });

        var merged = await agent.PostAsJsonAsync($"/api/v1/cases/{first.Id}/merge", new { sourceId = duplicate.Id });
        Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
        var messages = await MessagesAsync(agent, first.Id);
        Assert.Equal(3, messages.Count);
        Assert.Equal(messages.Select(m => m.Id).Order(), messages.Select(m => m.Id));

        var source = (await agent.GetFromJsonAsync<CaseDetails>($"/api/v1/cases/{duplicate.Id}", Api.Json))!;
        Assert.Equal(CaseStatus.Closed, source.Status);
        Assert.Equal(first.Id, source.MergedIntoId);
        Assert.Empty(await MessagesAsync(agent, duplicate.Id));

        // The moved messages are found under the case they now belong to.
        var found = (await agent.GetFromJsonAsync<Ribalta.Cases.Search.SearchResults>($"/api/v1/search?q={Uri.EscapeDataString($"Still nothing")}", Api.Json))!;
        Assert.Contains(found.Messages, h => h.CaseId == first.Id);
        Assert.DoesNotContain(found.Messages, h => h.CaseId == duplicate.Id);
        var entryCases = await App.WithServices(sp => sp.GetRequiredService<Ribalta.Platform.Data.RibaltaDbContext>().Set<Ribalta.Cases.Search.SearchEntry>().AsNoTracking()
            .Where(e => e.CaseId == first.Id || e.CaseId == duplicate.Id).Select(e => e.CaseId).ToListAsync());
        Assert.Equal([first.Id, first.Id, first.Id], entryCases);

        Assert.Equal(HttpStatusCode.Conflict, (await agent.PostAsJsonAsync($"/api/v1/cases/{first.Id}/merge", new { sourceId = duplicate.Id })).StatusCode);
        var (_, stranger) = await OpenCaseAsync("Someone else's case");
        await (await agent.PostAsJsonAsync($"/api/v1/cases/{first.Id}/merge", new { sourceId = stranger.Id })).AssertRefusedAsync("sourceId", "same customer");
    }

    [Fact]
    public async Task Linked_cases_show_on_both_sides_and_unlink()
    {
        var (agent, a) = await OpenCaseAsync("Outage in Milan");
        var (_, b) = await OpenCaseAsync("Outage in Milan, other customer");
        var linked = await agent.PostAsJsonAsync($"/api/v1/cases/{a.Id}/links", new { caseId = b.Id });
        Assert.Equal(HttpStatusCode.OK, linked.StatusCode);
        Assert.Equal([b.Id], (await linked.Content.ReadFromJsonAsync<CaseDetails>(Api.Json))!.Links.Select(l => l.Id).ToArray());
        Assert.Equal([a.Id], (await agent.GetFromJsonAsync<CaseDetails>($"/api/v1/cases/{b.Id}", Api.Json))!.Links.Select(l => l.Id).ToArray());
        Assert.Equal(HttpStatusCode.OK, (await agent.PostAsJsonAsync($"/api/v1/cases/{b.Id}/links", new { caseId = a.Id })).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await agent.DeleteAsync($"/api/v1/cases/{b.Id}/links/{a.Id}")).StatusCode);
        Assert.Empty((await agent.GetFromJsonAsync<CaseDetails>($"/api/v1/cases/{a.Id}", Api.Json))!.Links);
        await (await agent.PostAsJsonAsync($"/api/v1/cases/{a.Id}/links", new { caseId = a.Id })).AssertRefusedAsync("caseId", "itself");
        Assert.Equal(HttpStatusCode.NotFound, (await agent.PostAsJsonAsync($"/api/v1/cases/{a.Id}/links", new { caseId = 987654321 })).StatusCode);
    }

    [Fact]
    public async Task Executives_read_cases_but_do_not_work_them()
    {
        var (_, opened) = await OpenCaseAsync();
        var executive = await App.AsStaff("Executive");
        Assert.Equal(HttpStatusCode.OK, (await executive.GetAsync($"/api/v1/cases/{opened.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await executive.PostAsJsonAsync($"/api/v1/cases/{opened.Id}/replies", new { body = "Hi" })).StatusCode);
    }
}

[Collection(SqliteCollection.Name)]
[Trait("Suite", "Sqlite")]
public sealed class CaseTestsOnSqlite(SqliteAppFixture fixture) : CaseTests(fixture.App);

[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class CaseTestsOnPostgres(PostgresAppFixture fixture) : CaseTests(fixture.App);
