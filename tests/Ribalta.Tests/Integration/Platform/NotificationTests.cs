using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Ribalta.Channels.Chat;
using Ribalta.Channels.Email;
using Ribalta.Empowerment.Contracts;
using Ribalta.Empowerment.Help;
using Ribalta.Empowerment.Promises;
using Ribalta.Empowerment.Resolve;
using Ribalta.Platform.Data;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Jobs;
using Ribalta.Platform.Notifications;
using Ribalta.Tests.Infrastructure;
using Ribalta.Tests.Integration.Cases;
using Ribalta.Tests.Integration.Channels;
using Ribalta.Tests.Integration.Empowerment;
using Xunit;

namespace Ribalta.Tests.Integration.Platform;

/// <summary>
/// Notifications through the real flows on both databases: a mention, help asked and answered, a new chat for a team, a
/// promise falling due each reach the people they concern (never the one who acted); reading the same events again
/// adds nothing; people mark theirs read and never reach anyone else's; a kind turned off tells nobody; a digest
/// goes out once per period, in the reader's language.
/// </summary>
public abstract class NotificationTests(RibaltaApp app) : IAsyncDisposable
{
    private readonly List<HubConnection> _connections = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>A person of the test's own; their client reads in English unless a request asks for another language.</summary>
    private async Task<StaffMember> PersonAsync(string role, Guid? department = null, string? language = null)
    {
        var person = await app.NewStaffAsync(role, department, language: language);
        person.Client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        return person;
    }

    private async Task<Guid> DepartmentAsync() => await (await app.AsAdmin()).CreateDepartmentAsync("Billing");

    private static async Task<(long Id, string Subject)> CaseAsync(HttpClient agent)
    {
        var subject = $"Double charge {Api.Unique()}";
        return ((await agent.OpenPhoneCaseAsync("Lucía Gómez", "es", subject, "Me cobraron dos veces.")).Id, subject);
    }

    private static async Task NoteAsync(HttpClient author, long caseId, string body) =>
        Assert.Equal(HttpStatusCode.Created, (await author.PostAsJsonAsync($"/api/v1/cases/{caseId}/notes", new { body })).StatusCode);

    /// <summary>Waits until the notification reader has read every event written so far (it reads them in order).</summary>
    private async Task CaughtUpAsync()
    {
        var last = await app.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Events.OrderByDescending(e => e.Id).Select(e => e.Id).FirstAsync());
        var feed = app.Services.GetRequiredService<EventFeed>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await feed.PositionAsync(NotificationFeed.Consumer, default))?.Cursor < last || (await feed.PositionAsync(NotificationFeed.Consumer, default)) is null)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the notification reader did not reach event {last} within 30 s");
            await Task.Delay(50);
        }
    }

    private static async Task<List<NotificationDto>> NotificationsAsync(HttpClient person, string query = "") =>
        (await person.GetFromJsonAsync<NotificationPage>($"/api/v1/notifications{query}", Api.Json))!.Items.ToList();

    private static async Task<int> UnreadAsync(HttpClient person) =>
        (await person.GetFromJsonAsync<UnreadCount>("/api/v1/notifications/unread-count", Api.Json))!.Unread;

    private static List<NotificationDto> About(IEnumerable<NotificationDto> notifications, long caseId) => notifications.Where(n => n.CaseId == caseId).ToList();

    [Fact]
    public async Task A_colleague_mentioned_in_a_note_has_one_notification_in_their_language_and_the_author_none()
    {
        var author = await PersonAsync(StaffRoles.Frontline);
        var mara = await PersonAsync(StaffRoles.Department);
        var (caseId, subject) = await CaseAsync(author.Client);

        await NoteAsync(author.Client, caseId, $"@{mara.Name} can you confirm the double charge?");
        await CaughtUpAsync();

        var mention = Assert.Single(await NotificationsAsync(mara.Client));
        Assert.Equal(("case.mentioned", $"{author.Name} mentioned you on case #{caseId}: {subject}", $"/cases/{caseId}", caseId, (DateTimeOffset?)null),
            (mention.Kind, mention.Text, mention.Link, mention.CaseId, mention.ReadAt));
        Assert.Equal(1, await UnreadAsync(mara.Client));
        Assert.Empty(About(await NotificationsAsync(author.Client), caseId));

        // The words are the reader's: the same notification read in Italian and Arabic.
        using var italian = new HttpRequestMessage(HttpMethod.Get, "/api/v1/notifications");
        italian.Headers.AcceptLanguage.ParseAdd("it");
        mara.Client.DefaultRequestHeaders.AcceptLanguage.Clear();
        var inItalian = (await (await mara.Client.SendAsync(italian)).Content.ReadFromJsonAsync<NotificationPage>(Api.Json))!.Items.Single();
        Assert.Equal($"{author.Name} ti ha menzionato nel caso #{caseId}: {subject}", inItalian.Text);
        using var arabic = new HttpRequestMessage(HttpMethod.Get, "/api/v1/notifications");
        arabic.Headers.AcceptLanguage.ParseAdd("ar");
        Assert.Equal($"أشار إليك {author.Name} في الحالة رقم {caseId}: {subject}", (await (await mara.Client.SendAsync(arabic)).Content.ReadFromJsonAsync<NotificationPage>(Api.Json))!.Items.Single().Text);

        // Mentioning oneself tells nobody.
        await NoteAsync(author.Client, caseId, $"@{author.Name} reminder to self");
        await CaughtUpAsync();
        Assert.Empty(About(await NotificationsAsync(author.Client), caseId));
    }

    [Fact]
    public async Task Reading_the_same_events_again_adds_no_notification()
    {
        var author = await PersonAsync(StaffRoles.Frontline);
        var mara = await PersonAsync(StaffRoles.Frontline);
        var (caseId, _) = await CaseAsync(author.Client);
        await NoteAsync(author.Client, caseId, $"@{mara.Name} first");
        await CaughtUpAsync();
        var first = Assert.Single(await NotificationsAsync(mara.Client));

        // The reader's cursor goes back before the note, as after a crash between handling and committing elsewhere.
        var mentioned = await app.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Events
            .Where(e => e.Type == "case.mentioned" && e.SubjectId == caseId.ToString(CultureInfo.InvariantCulture)).Select(e => e.Id).SingleAsync());
        await app.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Set<EventCursor>()
            .Where(c => c.Consumer == NotificationFeed.Consumer).ExecuteUpdateAsync(u => u.SetProperty(c => c.LastEventId, mentioned - 1)));
        await app.Services.GetRequiredService<NotificationFeed>().CatchUpAsync(default);
        await CaughtUpAsync();

        Assert.Equal([first.Id], (await NotificationsAsync(mara.Client)).Select(n => n.Id));
    }

    [Fact]
    public async Task Help_asked_of_a_person_or_a_team_waits_for_them_and_the_answer_reaches_the_asker()
    {
        var team = await DepartmentAsync();
        var asker = await PersonAsync(StaffRoles.Frontline, team);
        var colleague = await PersonAsync(StaffRoles.Department, team);
        var lead = await PersonAsync(StaffRoles.TeamLead);
        var outsider = await PersonAsync(StaffRoles.Frontline);
        var (caseId, subject) = await CaseAsync(asker.Client);

        // A question to a person: only they are told, and taken to the help queue.
        var toLead = await AskAsync(asker.Client, caseId, new HelpRequestInput(HelpReason.Question, "Can we ship to the Canaries?", lead.Id));
        // A question to the team: every member but the asker.
        var toTeam = await AskAsync(asker.Client, caseId, new HelpRequestInput(HelpReason.Question, "Who knows the new invoice layout?", DepartmentId: team));
        await CaughtUpAsync();

        var waiting = Assert.Single(About(await NotificationsAsync(lead.Client), caseId));
        Assert.Equal(("help.asked", $"{asker.Name} asks for your help on case #{caseId}: {subject}", "/help", "help_request", toLead.ToString(CultureInfo.InvariantCulture)),
            (waiting.Kind, waiting.Text, waiting.Link, waiting.SubjectType, waiting.SubjectId));
        var teamName = await app.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Set<Department>().Where(d => d.Id == team).Select(d => d.Name).SingleAsync());
        var forTeam = Assert.Single(About(await NotificationsAsync(colleague.Client), caseId));
        Assert.Equal($"{asker.Name} asks {teamName} for help on case #{caseId}: {subject}", forTeam.Text);
        Assert.Empty(About(await NotificationsAsync(asker.Client), caseId));
        Assert.Empty(About(await NotificationsAsync(outsider.Client), caseId));

        // The lead answers: the asker hears it, linked to the case; the lead is not told of their own answer.
        Assert.Equal(HttpStatusCode.OK, (await lead.Client.PostAsJsonAsync($"/api/v1/help-requests/{toLead}/answer", new HelpAnswerInput(HelpDecision.Answer, "Yes, by sea."), Api.Json)).StatusCode);
        await CaughtUpAsync();
        var answer = Assert.Single(About(await NotificationsAsync(asker.Client), caseId));
        Assert.Equal(("help.answered", $"{lead.Name} answered your question on case #{caseId}: {subject}", $"/cases/{caseId}"), (answer.Kind, answer.Text, answer.Link));
        Assert.Single(About(await NotificationsAsync(lead.Client), caseId));
        Assert.True(toTeam > 0);
    }

    [Fact]
    public async Task An_approval_above_the_envelope_reaches_the_agent_who_asked()
    {
        var option = await RefundAsync();
        var agent = await PersonAsync(StaffRoles.Frontline);
        var lead = await PersonAsync(StaffRoles.TeamLead);
        var (caseId, subject) = await CaseAsync(agent.Client);
        var asked = await AskAsync(agent.Client, caseId, new HelpRequestInput(HelpReason.AboveEnvelope, "She asks for 120 back", lead.Id, Proposal: [Refund(option, 120)]));

        Assert.Equal(HttpStatusCode.OK, (await lead.Client.PostAsJsonAsync($"/api/v1/help-requests/{asked}/answer", new HelpAnswerInput(HelpDecision.Approve, "Fine by me"), Api.Json)).StatusCode);
        await CaughtUpAsync();

        var approved = Assert.Single(About(await NotificationsAsync(agent.Client), caseId));
        Assert.Equal(("help.answered", $"{lead.Name} approved your request on case #{caseId}: {subject}"), (approved.Kind, approved.Text));
    }

    [Fact]
    public async Task A_new_chat_reaches_the_members_of_the_team_it_is_routed_to()
    {
        var team = await DepartmentAsync();
        var member = await PersonAsync(StaffRoles.Frontline, team);
        var other = await PersonAsync(StaffRoles.Frontline);
        var admin = await app.AsAdmin();
        var widget = await admin.CreateWidgetAsync(new ChatWidgetInput(Api.Unique("Shop "), ["https://shop.example"], true, team));

        var visitor = Visitor(widget.Key);
        await visitor.StartAsync();
        var started = await visitor.InvokeAsync<ChatState>("Start", new ChatStartRequest("Lucía Gómez", null, "Hola, mi pedido llegó roto y quiero devolverlo.", null));
        await CaughtUpAsync();

        var chat = Assert.Single(About(await NotificationsAsync(member.Client), started.CaseId));
        Assert.Equal("chat.started", chat.Kind);
        Assert.StartsWith($"New chat for your team on case #{started.CaseId}: ", chat.Text, StringComparison.Ordinal);
        Assert.Equal($"/cases/{started.CaseId}", chat.Link);
        Assert.Empty(About(await NotificationsAsync(other.Client), started.CaseId));
    }

    [Fact]
    public async Task A_promise_falling_due_is_told_to_its_owner_once_and_not_as_soon_as_it_is_made()
    {
        var agent = await PersonAsync(StaffRoles.Frontline);
        var (caseId, subject) = await CaseAsync(agent.Client);
        Assert.Equal(HttpStatusCode.Created, (await agent.Client.PostAsJsonAsync($"/api/v1/cases/{caseId}/replies", new { body = "Le devolvemos el cargo mañana." })).StatusCode);
        var promise = await agent.Client.MakePromiseAsync(caseId, new PromiseInput(PromiseKind.Refund, "Le devolvemos el cargo mañana.", app.Clock.GetUtcNow().AddHours(4)));

        // Due within the window, but just made: not yet (half the time to its due time has not passed).
        await RunJobAsync("promises.remind_due_soon");
        Assert.Empty(About(await NotificationsAsync(agent.Client), caseId));

        app.Clock.Advance(TimeSpan.FromHours(2.5));
        await RunJobAsync("promises.remind_due_soon");
        var reminder = Assert.Single(About(await NotificationsAsync(agent.Client), caseId));
        Assert.Equal(("promise.due_soon", $"Your promise on case #{caseId} ({subject}) is due soon: “Le devolvemos el cargo mañana.”", "promise", promise.Id.ToString(CultureInfo.InvariantCulture)),
            (reminder.Kind, reminder.Text, reminder.SubjectType, reminder.SubjectId));

        await RunJobAsync("promises.remind_due_soon");
        Assert.Single(About(await NotificationsAsync(agent.Client), caseId));
    }

    [Fact]
    public async Task People_mark_their_own_read_one_or_all_and_never_reach_anyone_elses()
    {
        var author = await PersonAsync(StaffRoles.Frontline);
        var mara = await PersonAsync(StaffRoles.Frontline);
        var luca = await PersonAsync(StaffRoles.Frontline);
        var (caseId, _) = await CaseAsync(author.Client);
        await NoteAsync(author.Client, caseId, $"@{mara.Name} and @{luca.Name}, one");
        var (otherCase, _) = await CaseAsync(author.Client);
        await NoteAsync(author.Client, otherCase, $"@{mara.Name} two");
        var (third, _) = await CaseAsync(author.Client);
        await NoteAsync(author.Client, third, $"@{mara.Name} three");
        await CaughtUpAsync();

        var maras = await NotificationsAsync(mara.Client);
        Assert.Equal([third, otherCase, caseId], maras.Select(n => n.CaseId!.Value));
        var lucas = Assert.Single(await NotificationsAsync(luca.Client));
        Assert.Equal(3, await UnreadAsync(mara.Client));

        // Paged newest first, and filtered to unread.
        var firstPage = (await mara.Client.GetFromJsonAsync<NotificationPage>("/api/v1/notifications?limit=2", Api.Json))!;
        Assert.Equal([maras[0].Id, maras[1].Id], firstPage.Items.Select(n => n.Id));
        var secondPage = (await mara.Client.GetFromJsonAsync<NotificationPage>($"/api/v1/notifications?limit=2&before={firstPage.Next}", Api.Json))!;
        Assert.Equal([maras[2].Id], secondPage.Items.Select(n => n.Id));
        Assert.Null(secondPage.Next);

        // Luca's notification is not Mara's to read or mark: the same 404 as one that does not exist.
        await (await mara.Client.PostAsync($"/api/v1/notifications/{lucas.Id}/read", null)).AssertProblemAsync(HttpStatusCode.NotFound, "Error.NotFound");
        await (await mara.Client.PostAsync("/api/v1/notifications/999999999/read", null)).AssertProblemAsync(HttpStatusCode.NotFound, "Error.NotFound");
        Assert.Null(Assert.Single(await NotificationsAsync(luca.Client)).ReadAt);

        var read = await mara.Client.PostAsync($"/api/v1/notifications/{maras[1].Id}/read", null);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.NotNull((await read.Content.ReadFromJsonAsync<NotificationDto>(Api.Json))!.ReadAt);
        Assert.Equal(2, await UnreadAsync(mara.Client));
        Assert.Equal([maras[0].Id, maras[2].Id], (await NotificationsAsync(mara.Client, "?unread=true")).Select(n => n.Id));

        var all = await mara.Client.PostAsync("/api/v1/notifications/read-all", null);
        Assert.Equal(2, (await all.Content.ReadFromJsonAsync<MarkedRead>(Api.Json))!.Marked);
        Assert.Equal(0, await UnreadAsync(mara.Client));
        Assert.Empty(await NotificationsAsync(mara.Client, "?unread=true"));
        Assert.Equal(1, await UnreadAsync(luca.Client));

        // Bad paging is refused with the field named.
        await (await mara.Client.GetAsync("/api/v1/notifications?limit=0")).AssertRefusedAsync("limit");
        await (await mara.Client.GetAsync("/api/v1/notifications?limit=101")).AssertRefusedAsync("limit");
        await (await mara.Client.GetAsync("/api/v1/notifications?before=-4")).AssertRefusedAsync("before");
    }

    [Fact]
    public async Task A_kind_turned_off_tells_nobody_and_preferences_refuse_what_they_do_not_know()
    {
        var author = await PersonAsync(StaffRoles.Frontline);
        var mara = await PersonAsync(StaffRoles.Frontline);
        var defaults = (await mara.Client.GetFromJsonAsync<NotificationPreferencesDto>("/api/v1/notifications/preferences", Api.Json))!;
        Assert.Equal(DigestFrequency.Off, defaults.Digest);
        Assert.Equal(["help.asked", "help.answered", "case.mentioned", "chat.started", "promise.due_soon"], defaults.Kinds.Select(k => k.Kind));
        Assert.All(defaults.Kinds, k => Assert.True(k.InApp && k.Name != "Notifications.Kind." + k.Kind, k.Kind));

        var saved = await mara.Client.PutAsJsonAsync("/api/v1/notifications/preferences", new NotificationPreferencesInput(DigestFrequency.Daily, ["case.mentioned"]), Api.Json);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var now = (await saved.Content.ReadFromJsonAsync<NotificationPreferencesDto>(Api.Json))!;
        Assert.Equal(DigestFrequency.Daily, now.Digest);
        Assert.False(now.Kinds.Single(k => k.Kind == "case.mentioned").InApp);
        Assert.True(now.Kinds.Single(k => k.Kind == "help.asked").InApp);

        var (caseId, _) = await CaseAsync(author.Client);
        await NoteAsync(author.Client, caseId, $"@{mara.Name} are you there?");
        await CaughtUpAsync();
        Assert.Empty(await NotificationsAsync(mara.Client));

        await (await mara.Client.PutAsJsonAsync("/api/v1/notifications/preferences", new { digest = "Daily", muted = new[] { "case.exploded" } }, Api.Json)).AssertRefusedAsync("muted", "case.exploded");
        await (await mara.Client.PutAsJsonAsync("/api/v1/notifications/preferences", new { muted = Array.Empty<string>() }, Api.Json)).AssertRefusedAsync("digest");
        Assert.False((await mara.Client.GetFromJsonAsync<NotificationPreferencesDto>("/api/v1/notifications/preferences", Api.Json))!.Kinds.Single(k => k.Kind == "case.mentioned").InApp);
    }

    [Fact]
    public async Task A_digest_goes_out_once_per_period_in_the_readers_language_with_what_no_digest_carried()
    {
        await (await app.AsAdmin()).CreateOutboxOnlyMailboxAsync("Digests");
        var author = await PersonAsync(StaffRoles.Frontline);
        var mara = await PersonAsync(StaffRoles.Frontline, language: "it");
        Assert.Equal(HttpStatusCode.OK, (await mara.Client.PutAsJsonAsync("/api/v1/notifications/preferences", new NotificationPreferencesInput(DigestFrequency.Hourly, []), Api.Json)).StatusCode);
        var (caseId, subject) = await CaseAsync(author.Client);
        await NoteAsync(author.Client, caseId, $"@{mara.Name} primo");
        await NoteAsync(author.Client, caseId, $"@{mara.Name} secondo");
        await CaughtUpAsync();

        await RunJobAsync("notifications.digest");
        var digest = Assert.Single(await DigestsToAsync(mara.Email));
        Assert.Equal("Notifiche da leggere in Ribalta: 2", digest.Subject);
        Assert.Equal("it", digest.Language);
        Assert.Contains($"Ciao {mara.Name},", digest.TextBody, StringComparison.Ordinal);
        Assert.Contains($"• {author.Name} ti ha menzionato nel caso #{caseId}: {subject}\n  https://desk.ribalta.test/cases/{caseId}", digest.TextBody, StringComparison.Ordinal);
        Assert.Contains("https://desk.ribalta.test/account/notifications", digest.TextBody, StringComparison.Ordinal);

        // Within the same hour nothing more goes, even with something new; the next hour carries only the new one.
        await NoteAsync(author.Client, caseId, $"@{mara.Name} terzo");
        await CaughtUpAsync();
        await RunJobAsync("notifications.digest");
        Assert.Single(await DigestsToAsync(mara.Email));

        app.Clock.Advance(TimeSpan.FromHours(1));
        await RunJobAsync("notifications.digest");
        var digests = await DigestsToAsync(mara.Email);
        Assert.Equal(2, digests.Count);
        Assert.Equal("Notifiche da leggere in Ribalta: 1", digests[1].Subject);

        // Read ones are not mailed: marked read, nothing goes the hour after.
        await NoteAsync(author.Client, caseId, $"@{mara.Name} quarto");
        await CaughtUpAsync();
        Assert.Equal(HttpStatusCode.OK, (await mara.Client.PostAsync("/api/v1/notifications/read-all", null)).StatusCode);
        app.Clock.Advance(TimeSpan.FromHours(1));
        await RunJobAsync("notifications.digest");
        Assert.Equal(2, (await DigestsToAsync(mara.Email)).Count);
    }

    [Fact]
    public async Task An_integration_key_has_no_notifications_and_no_preferences_to_set()
    {
        var admin = await app.AsAdmin();
        var key = await admin.CreateApiKeyAsync(Api.Unique("Key "), ["read", "write"], expiresInDays: 1);
        using var integration = app.WithApiKey(key.Key, bearer: false);
        Assert.Empty((await integration.GetFromJsonAsync<NotificationPage>("/api/v1/notifications", Api.Json))!.Items);
        await (await integration.PutAsJsonAsync("/api/v1/notifications/preferences", new NotificationPreferencesInput(DigestFrequency.Daily, []), Api.Json)).AssertProblemAsync(HttpStatusCode.NotFound, "Error.NotFound");
        Assert.Equal(0, await app.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Set<NotificationPreference>().CountAsync(p => p.StaffId == Guid.Empty)));
    }

    private async Task<List<OutboundEmail>> DigestsToAsync(string address) =>
        await app.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Set<OutboundEmail>().AsNoTracking()
            .Where(o => o.ToAddress == address && o.Kind == OutboundKind.Digest).OrderBy(o => o.Id).ToListAsync());

    /// <summary>
    /// Runs a job through the runner ("run now") and waits for two runs to finish after asking: the second began after
    /// the first ended, so it saw everything arranged before (a scheduled run already under way might not have).
    /// </summary>
    private async Task RunJobAsync(string name)
    {
        var admin = await app.AsAdmin();
        async Task<int> RunsAsync() => (await admin.GetFromJsonAsync<List<JobDto>>("/api/v1/jobs", Api.Json))!.Single(j => j.Name == name).Runs;
        var before = await RunsAsync();
        for (var wanted = before + 1; wanted <= before + 2; wanted++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await admin.PostAsync($"/api/v1/jobs/{name}/run", null)).StatusCode);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (await RunsAsync() < wanted)
            {
                Assert.True(DateTime.UtcNow < deadline, $"{name} did not run within 30 s of \"run now\"");
                await Task.Delay(50);
            }
        }

        var job = (await admin.GetFromJsonAsync<List<JobDto>>("/api/v1/jobs", Api.Json))!.Single(j => j.Name == name);
        Assert.True(job.FailuresInARow == 0, $"{name} failed: {job.LastError}");
    }

    /// <summary>A refund the front line may grant up to 50 EUR at once, team leads up to 200.</summary>
    private Task<Guid> RefundAsync() => app.RefundPerRoleAsync((StaffRoles.Frontline, 50m), (StaffRoles.TeamLead, 200m));

    private static ResolutionLineInput Refund(Guid option, decimal amount) => new(option, new MoneyDto(amount, "EUR"));

    private static async Task<long> AskAsync(HttpClient agent, long caseId, HelpRequestInput input) => (await agent.AskForHelpAsync(caseId, input)).Id;

    private HubConnection Visitor(string key)
    {
        var connection = app.ChatVisitor(key, "https://shop.example", "es");
        _connections.Add(connection);
        return connection;
    }
}

[Collection(SqliteCollection.Name)]
[Trait("Suite", "Sqlite")]
public sealed class NotificationTestsOnSqlite(SqliteAppFixture fixture) : NotificationTests(fixture.App);

[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class NotificationTestsOnPostgres(PostgresAppFixture fixture) : NotificationTests(fixture.App);
