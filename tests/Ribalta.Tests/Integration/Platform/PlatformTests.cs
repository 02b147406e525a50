using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Ribalta.Platform.Data;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Tests.Infrastructure;
using Ribalta.Tests.Integration.Cases;
using Xunit;

namespace Ribalta.Tests.Integration.Platform;

public abstract class PlatformTests(RibaltaApp app)
{
    protected RibaltaApp App { get; } = app;

    [Fact]
    public async Task Health_checks_the_database_and_the_api_is_described()
    {
        var client = App.Anonymous();
        var health = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());

        var openApi = await (await client.GetAsync("/openapi/v1.json")).Content.ReadAsStringAsync();
        Assert.Contains("/api/v1/customers", openApi, StringComparison.Ordinal);
        Assert.Contains("/api/v1/customers/{id}/merge", openApi, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Subscribers_hear_of_an_event_after_its_change_committed()
    {
        var agent = await App.AsFrontline();
        var customer = await agent.CreateCustomerAsync(new { displayName = "Heard After Commit" });
        var heard = await App.Events.WaitForAsync(e => e.Type == "customer.created" && e.SubjectId == customer.Id.ToString(), TimeSpan.FromSeconds(10));
        Assert.NotNull(heard);
        Assert.Equal(ActorKind.Staff, heard.ActorKind);
        Assert.Equal(customer.Id, heard.CustomerId);
    }

    [Fact]
    public async Task A_rolled_back_change_leaves_no_event_and_tells_nobody()
    {
        var subject = Guid.NewGuid().ToString();
        await App.WithServices(async sp =>
        {
            var db = sp.GetRequiredService<RibaltaDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.Append(TimeProvider.System, Actor.System, new TestRolledBack(), "test", subject);
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
            return 0;
        });

        var committed = Guid.NewGuid().ToString();
        await App.WithServices(async sp =>
        {
            var db = sp.GetRequiredService<RibaltaDbContext>();
            db.Append(TimeProvider.System, Actor.System, new TestCommitted(committed), "test", committed);
            return await db.SaveChangesAsync();
        });

        // Events are dispatched in order: once the later one arrived, the rolled-back one would have too. Subscribers get
        // the record that was appended, typed.
        var received = await App.Events.WaitForAsync(e => e.SubjectId == committed, TimeSpan.FromSeconds(10));
        Assert.NotNull(received);
        Assert.Equal(committed, Assert.IsType<TestCommitted>(received.Data).Subject);
        Assert.Equal("test.committed", received.Type);
        Assert.Equal($$"""{"subject":"{{committed}}"}""", received.Payload);
        Assert.DoesNotContain(App.Events.Received, e => e.SubjectId == subject);
        var stored = await App.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Events.CountAsync(e => e.SubjectId == subject));
        Assert.Equal(0, stored);
    }

    [Fact]
    public async Task Events_of_a_transaction_left_without_commit_or_rollback_are_never_announced()
    {
        // A transaction disposed after an error ends with neither; the context lives on (a retry, or the next lease of
        // a pooled context) and its next commit must announce only its own events.
        var abandoned = Guid.NewGuid().ToString();
        var committed = Guid.NewGuid().ToString();
        await App.WithServices(async sp =>
        {
            var db = sp.GetRequiredService<RibaltaDbContext>();
            await using (await db.Database.BeginTransactionAsync())
            {
                db.Append(TimeProvider.System, Actor.System, new TestAbandoned(), "test", abandoned);
                await db.SaveChangesAsync();
            }

            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.Append(TimeProvider.System, Actor.System, new TestCommitted(committed), "test", committed);
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
            return 0;
        });

        Assert.NotNull(await App.Events.WaitForAsync(e => e.SubjectId == committed, TimeSpan.FromSeconds(10)));
        Assert.DoesNotContain(App.Events.Received, e => e.SubjectId == abandoned);
        var stored = await App.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Events.CountAsync(e => e.SubjectId == abandoned));
        Assert.Equal(0, stored);
    }

    [Fact]
    public async Task The_audit_log_filters_by_type_and_pages_newest_first()
    {
        var admin = await App.AsAdmin();
        var agent = await App.AsFrontline();
        for (var i = 0; i < 3; i++)
        {
            await agent.CreateCustomerAsync(new { displayName = $"Audited {i}" });
        }

        var page = await (await admin.GetAsync("/api/v1/audit?type=customer.created&limit=2")).ReadJsonAsync();
        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        Assert.All(items, i => Assert.Equal("customer.created", i.GetProperty("type").GetString()));
        Assert.True(items[0].GetProperty("id").GetInt64() > items[1].GetProperty("id").GetInt64());
        var next = page.GetProperty("next").GetInt64();
        var second = await (await admin.GetAsync($"/api/v1/audit?type=customer.&before={next}&limit=2")).ReadJsonAsync();
        var rest = second.GetProperty("items").EnumerateArray().ToList();
        Assert.NotEmpty(rest);
        Assert.All(rest, i => Assert.True(i.GetProperty("id").GetInt64() < next));

        // Nothing is skipped between pages: the next page of the same filter starts with the third newest.
        var three = (await (await admin.GetAsync("/api/v1/audit?type=customer.created&limit=3")).ReadJsonAsync()).GetProperty("items").EnumerateArray().ToList();
        var following = (await (await admin.GetAsync($"/api/v1/audit?type=customer.created&before={next}&limit=1")).ReadJsonAsync()).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(three[2].GetProperty("id").GetInt64(), Assert.Single(following).GetProperty("id").GetInt64());

        var inverted = await admin.GetAsync("/api/v1/audit?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z");
        await inverted.AssertRefusedAsync("from", "start date is after the end date");
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/api/v1/audit")).StatusCode);
    }

    [Fact]
    public async Task The_audit_log_shows_fields_in_plain_words_and_people_by_name()
    {
        var admin = await App.AsAdmin();
        var lead = await App.AsStaff(StaffRoles.TeamLead);
        var agentEmail = $"{Api.Unique("assignee")}@staff.test";
        var agent = await App.CreateStaffAsync(agentEmail, "Sí Señora Núñez", [StaffRoles.Frontline]);
        var customer = await lead.CreateCustomerAsync(new { displayName = "María José Pérez" });
        var @case = await lead.OpenCaseAsync(new { customerId = customer.Id, subject = "Ayuda", body = "Hola", channel = "Phone" });
        Assert.Equal(HttpStatusCode.OK, (await lead.PatchCaseAsync(@case, new { assigneeId = agent.Id })).StatusCode);

        var created = (await admin.GetFromJsonAsync<Ribalta.Platform.Audit.AuditPage>($"/api/v1/audit?type=customer.created&subject={customer.Id}", Api.Json))!;
        var details = Assert.Single(created.Items).Details;
        Assert.Contains(details, f => f.Value == "María José Pérez");
        Assert.DoesNotContain(details, f => f.Value.Contains("\\u00", StringComparison.Ordinal));

        var assigned = (await admin.GetFromJsonAsync<Ribalta.Platform.Audit.AuditPage>($"/api/v1/audit?type=case.assigned&subject={@case.Id}", Api.Json))!;
        var after = Assert.Single(Assert.Single(assigned.Items).Details, f => f.Name == "after");
        Assert.Equal("Sí Señora Núñez", after.Value);
    }

    [Fact]
    public async Task A_query_that_pages_without_an_order_fails_under_the_tests_strict_setting()
    {
        // The suite runs with Database:StrictQueries, so any such query in the product fails the test that reaches it.
        var refused = await Record.ExceptionAsync(() => App.WithServices(sp =>
            sp.GetRequiredService<RibaltaDbContext>().Set<Ribalta.Cases.Domain.Case>().Select(c => c.Id).Take(1).ToListAsync()));
        Assert.IsType<InvalidOperationException>(refused);
        Assert.Contains("OrderBy", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Arabic_pages_are_right_to_left_and_the_choice_is_remembered()
    {
        var browser = App.Anonymous();
        var request = new HttpRequestMessage(HttpMethod.Get, "/login");
        request.Headers.AcceptLanguage.ParseAdd("ar");
        var html = await (await browser.SendAsync(request)).Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"ar\" dir=\"rtl\"", html, StringComparison.Ordinal);
        Assert.Contains("تسجيل الدخول", System.Net.WebUtility.HtmlDecode(html), StringComparison.Ordinal);

        var chosen = await browser.GetAsync("/culture/es?returnUrl=%2Flogin");
        Assert.Equal(HttpStatusCode.Redirect, chosen.StatusCode);
        var spanish = new HttpRequestMessage(HttpMethod.Get, "/login");
        spanish.Headers.AcceptLanguage.ParseAdd("ar");
        var page = await (await browser.SendAsync(spanish)).Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"es\" dir=\"ltr\"", page, StringComparison.Ordinal);

        var offsite = await browser.GetAsync("/culture/it?returnUrl=https%3A%2F%2Fevil.example");
        Assert.Equal("/", offsite.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Segments_are_unique_by_folded_name()
    {
        var manager = await App.AsStaff("Manager");
        var name = "Clientes Fieles " + Api.Unique();
        Assert.Equal(HttpStatusCode.Created, (await manager.PostAsJsonAsync("/api/v1/segments", new { name })).StatusCode);
        var twin = await manager.PostAsJsonAsync("/api/v1/segments", new { name = name.ToUpperInvariant().Replace("E", "É", StringComparison.Ordinal) });
        await twin.AssertRefusedAsync("name", "already exists");
        var agent = await App.AsFrontline();
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsJsonAsync("/api/v1/segments", new { name = "Nope" })).StatusCode);
    }
}

[Collection(SqliteCollection.Name)]
[Trait("Suite", "Sqlite")]
public sealed class PlatformTestsOnSqlite(SqliteAppFixture fixture) : PlatformTests(fixture.App);

[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class PlatformTestsOnPostgres(PostgresAppFixture fixture) : PlatformTests(fixture.App);

/// <summary>Events of the log's own tests: never written by the product, so not in the event shape snapshot.</summary>
internal sealed record TestRolledBack : IEvent
{
    public static string Type => "test.rolled_back";
}

internal sealed record TestAbandoned : IEvent
{
    public static string Type => "test.abandoned";
}

internal sealed record TestCommitted(string Subject) : IEvent
{
    public static string Type => "test.committed";
}
