using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Ribalta.Cases.Contracts;
using Ribalta.Customers.Contracts;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Tests.Infrastructure;
using Ribalta.Tests.Integration.Channels;
using Xunit;

namespace Ribalta.Tests.Integration.Cases;

/// <summary>
/// The landing every door hands a customer's words to (<see cref="IInboundLanding"/>), called as a door calls it: in a
/// scope and a transaction of its own, committed only when the words landed. The API reaches only part of it: its
/// messages name a case or none, their lengths are checked first, and its batches continue named cases on their own
/// path. Threading (<c>MayContinue</c>), the chat's known visitor and new person, and cutting what is too long come
/// through the email and chat doors, which need a mail server or a hub connection; <c>EmailTests</c> and
/// <c>ChatTests</c> keep those doors end to end, and what the landing itself decides is asserted here, cheaply enough
/// for the ingest area's mutation run. Customers and cases are set up through the API.
/// </summary>
public abstract class InboundLandingTests(RibaltaApp app)
{
    private static readonly Actor Door = new(ActorKind.System, "test-door", "Test door");

    protected RibaltaApp App { get; } = app;

    private async Task<Result<InboundLanded>> LandAsync(InboundMessage message)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RibaltaDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var landed = await scope.ServiceProvider.GetRequiredService<IInboundLanding>().LandAsync(Door, message, default);
        if (landed.IsSuccess)
        {
            await transaction.CommitAsync();
        }

        return landed;
    }

    private static InboundLanded Landed(Result<InboundLanded> result)
    {
        Assert.True(result.IsSuccess, result.Error?.MessageKey);
        return result.Value;
    }

    private static InboundMessage Mail(string from, string body, params long[] mayContinue) =>
        new(InboundSender.ByContact(ContactKind.Email, from), body, Channel.Email) { MayContinue = mayContinue };

    private static async Task<IReadOnlyList<MessageDto>> MessagesAsync(HttpClient staff, long caseId) =>
        (await staff.GetFromJsonAsync<MessagePage>($"/api/v1/cases/{caseId}/messages?limit=50", Api.Json))!.Items;

    [Fact]
    public async Task Mail_continues_the_first_open_case_of_its_sender_followed_through_merges_never_a_closed_one_or_someone_elses()
    {
        var agent = await App.AsFrontline();
        var tag = Api.Unique("t");
        var email = $"thread.{tag}@example.com";
        var target = await agent.IngestAsync(new { from = new { email }, body = "The parcel arrived broken.", language = "en" });
        var customerId = target.CustomerId;
        async Task<CaseDetails> CaseAsync(string subject) => await agent.OpenCaseAsync(new { customerId, subject, body = subject, channel = "Email" });
        async Task MergeAsync(long into, long source) =>
            await (await agent.PostAsJsonAsync($"/api/v1/cases/{into}/merge", new { sourceId = source }, Api.Json)).ExpectAsync(HttpStatusCode.OK, "Merge cases");

        // The first mail's case was merged into the second's, and that one into the target: two merges on.
        var first = await CaseAsync("Broken parcel, first mail");
        var second = await CaseAsync("Broken parcel, second mail");
        await MergeAsync(second.Id, first.Id);
        await MergeAsync(target.CaseId, second.Id);
        var closed = await CaseAsync("An older matter");
        foreach (var status in new[] { "Solved", "Closed" })
        {
            closed = await (await agent.PatchCaseAsync(closed, new { status })).ReadExpectedAsync<CaseDetails>(HttpStatusCode.OK, $"Case to {status}");
        }

        var stranger = await agent.IngestAsync(new { from = new { email = $"stranger.{tag}@example.com" }, body = "Another customer's case." });

        // The thread names the closed case, someone else's and the first mail's, in that order: the words go to the target.
        var landed = Landed(await LandAsync(Mail(email, "Any news about the parcel?", closed.Id, stranger.CaseId, first.Id)));
        Assert.Equal(new InboundLanded(target.CaseId, landed.MessageId, customerId, NewCase: false, NewCustomer: false), landed);
        var onTarget = await MessagesAsync(agent, target.CaseId);
        Assert.Equal((landed.MessageId, "Any news about the parcel?"), (onTarget[^1].Id, onTarget[^1].Body));
        Assert.Single(await MessagesAsync(agent, closed.Id));
        Assert.Single(await MessagesAsync(agent, stranger.CaseId));

        // With only someone else's case to go on, the sender gets a case of their own.
        var own = Landed(await LandAsync(Mail(email, "A question about another order.", stranger.CaseId)));
        Assert.Equal((true, false, customerId), (own.NewCase, own.NewCustomer, own.CustomerId));
        Assert.NotEqual(stranger.CaseId, own.CaseId);

        // A new sender quoting the customer's case is a new customer with a new case; the target is untouched.
        var newcomer = Landed(await LandAsync(Mail($"newcomer.{tag}@example.com", "I saw this case number somewhere.", target.CaseId)));
        Assert.Equal((true, true), (newcomer.NewCase, newcomer.NewCustomer));
        Assert.NotEqual(target.CaseId, newcomer.CaseId);
        Assert.Equal(onTarget.Count, (await MessagesAsync(agent, target.CaseId)).Count);
        Assert.Single(await MessagesAsync(agent, stranger.CaseId));
    }

    [Fact]
    public async Task A_known_persons_words_land_on_the_case_the_door_names_only_when_it_is_theirs()
    {
        var agent = await App.AsFrontline();
        var tag = Api.Unique("t");
        var mine = await agent.IngestAsync(new { from = new { email = $"chat.{tag}@example.com" }, body = "Starting a chat about my order." });
        var theirs = await agent.IngestAsync(new { from = new { email = $"other.{tag}@example.com" }, body = "Someone else's order." });
        InboundMessage Chat(long caseId, string body) => new(InboundSender.Known(mine.CustomerId, "Giulia in chat"), body, Channel.Chat) { CaseId = caseId };

        // A chat's visitor, known by the chat: their words on their case, under the name the chat knows them by.
        var landed = Landed(await LandAsync(Chat(mine.CaseId, "Is it shipped yet?")));
        Assert.Equal(new InboundLanded(mine.CaseId, landed.MessageId, mine.CustomerId, NewCase: false, NewCustomer: false), landed);
        var last = (await MessagesAsync(agent, mine.CaseId))[^1];
        Assert.Equal((landed.MessageId, "Is it shipped yet?", "Giulia in chat", Channel.Chat), (last.Id, last.Body, last.AuthorName, last.Channel));

        // Someone else's case named, or a sender nobody knows naming a case: not found; nothing written, no one created.
        Assert.Equal(ErrorKind.NotFound, (await LandAsync(Chat(theirs.CaseId, "Injected into their case"))).Error?.Kind);
        var nobody = $"nobody.{tag}@example.com";
        Assert.Equal(ErrorKind.NotFound, (await LandAsync(Mail(nobody, "Injected by a stranger") with { CaseId = mine.CaseId })).Error?.Kind);
        Assert.Single(await MessagesAsync(agent, theirs.CaseId));
        Assert.Equal(2, (await MessagesAsync(agent, mine.CaseId)).Count);
        Assert.Null((await agent.SearchCustomersAsync(nobody)).Items.FirstOrDefault());
    }

    [Fact]
    public async Task A_new_person_becomes_a_customer_by_their_name_and_one_without_a_name_is_refused()
    {
        var agent = await App.AsFrontline();
        var name = $"Visitatore {Api.Unique()}";
        var landed = Landed(await LandAsync(new InboundMessage(InboundSender.NewPerson(name), "Buongiorno, avrei una domanda sul mio ordine.", Channel.Chat)));
        Assert.Equal((true, true), (landed.NewCase, landed.NewCustomer));
        Assert.Equal(name, (await agent.GetFromJsonAsync<CustomerDetails>($"/api/v1/customers/{landed.CustomerId}", Api.Json))!.DisplayName);
        var opened = (await agent.GetFromJsonAsync<CaseDetails>($"/api/v1/cases/{landed.CaseId}", Api.Json))!;
        Assert.Equal((name, Channel.Chat), (opened.CustomerName, opened.Channel));

        var refused = await LandAsync(new InboundMessage(InboundSender.NewPerson("  "), "Senza nome", Channel.Chat));
        Assert.Equal(ErrorKind.Validation, refused.Error?.Kind);
        Assert.Equal("displayName", Assert.Single(refused.Error!.Fields).Field);
    }

    [Fact]
    public async Task What_is_longer_than_a_case_keeps_is_cut_with_an_ellipsis_never_inside_a_character()
    {
        var agent = await App.AsFrontline();
        var tag = Api.Unique("t");
        var fits = "Fits " + new string('f', 195);
        var emoji = new string('e', 198) + "😀" + new string('e', 50);
        (string Subject, string Body, string Expected)[] sent =
        [
            (fits, "A subject of exactly 200 characters.", fits),
            (new string('p', 250), new string('b', 50_001), new string('p', 199) + "…"),
            // The 199th and 200th characters are one emoji (a surrogate pair): the cut goes before it, not through it.
            (emoji, "A subject with an emoji where it is cut.", new string('e', 198) + "…"),
        ];

        for (var i = 0; i < sent.Length; i++)
        {
            var landed = Landed(await LandAsync(Mail($"long.{tag}.{i}@example.com", sent[i].Body) with { Subject = sent[i].Subject }));
            Assert.Equal(sent[i].Expected, (await agent.GetFromJsonAsync<CaseDetails>($"/api/v1/cases/{landed.CaseId}", Api.Json))!.Subject);
            if (sent[i].Body.Length > 50_000)
            {
                Assert.Equal(new string('b', 49_999) + "…", Assert.Single(await MessagesAsync(agent, landed.CaseId)).Body);
            }
        }
    }

    [Fact]
    public async Task A_case_the_door_cannot_open_is_an_error_and_the_door_keeps_nothing()
    {
        var agent = await App.AsFrontline();
        var email = $"{Api.Unique("nodept")}@example.com";
        var refused = await LandAsync(Mail(email, "For a department that is gone.") with { DepartmentId = Guid.NewGuid() });
        Assert.Equal(ErrorKind.Validation, refused.Error?.Kind);
        Assert.Equal("departmentId", Assert.Single(refused.Error!.Fields).Field);
        Assert.Null((await agent.SearchCustomersAsync(email)).Items.FirstOrDefault());
    }
}

[Collection(SqliteCollection.Name)]
[Trait("Suite", "Sqlite")]
public sealed class InboundLandingTestsOnSqlite(SqliteAppFixture fixture) : InboundLandingTests(fixture.App);

[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class InboundLandingTestsOnPostgres(PostgresAppFixture fixture) : InboundLandingTests(fixture.App);
