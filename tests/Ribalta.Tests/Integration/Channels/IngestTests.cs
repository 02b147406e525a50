using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Contracts.Events;
using Ribalta.Cases.Domain;
using Ribalta.Channels.Ingest;
using Ribalta.Cases.Search;
using Ribalta.Customers.Contracts;
using Ribalta.Platform.Data;
using Ribalta.Platform.Events;
using Ribalta.Tests.Infrastructure;
using Ribalta.Tests.Integration.Cases;
using Ribalta.Tests.Integration.Platform;
using Xunit;

namespace Ribalta.Tests.Integration.Channels;

/// <summary><c>POST /api/v1/messages</c>: inbound messages land once, in the sender's case, committed before the answer.</summary>
public abstract class IngestTests(RibaltaApp app)
{
    protected RibaltaApp App { get; } = app;

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, object body, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/messages") { Content = JsonContent.Create(body, options: Api.Json) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return await client.SendAsync(request);
    }

    private static async Task<IngestResult> ReadAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<IngestResult>(Api.Json))!;
    }

    [Fact]
    public async Task A_stranger_becomes_a_customer_with_a_case_and_their_next_message_continues_it()
    {
        var api = await App.AsFrontline();
        var email = $"nuovo.{Guid.NewGuid():N}@example.it";
        var first = await ReadAsync(await PostAsync(api, new { from = new { email, name = "Franco Moretti" }, body = "Buongiorno, la mia fattura di ottobre è sbagliata.\nGrazie", channel = "Email", language = "it" }));
        Assert.True(first.NewCase);
        Assert.True(first.NewCustomer);

        var details = (await api.GetFromJsonAsync<CaseDetails>($"/api/v1/cases/{first.CaseId}", Api.Json))!;
        Assert.Equal("Buongiorno, la mia fattura di ottobre è sbagliata.", details.Subject);
        Assert.Equal(Channel.Email, details.Channel);
        Assert.Equal("Franco Moretti", details.CustomerName);
        Assert.Equal("it", details.Language);

        // The language they wrote in is theirs from the start: announced with them, not learned in a second event.
        var events = await App.WithServices(services =>
        {
            var subject = first.CustomerId.ToString();
            return services.GetRequiredService<RibaltaDbContext>().Set<EventRecord>().AsNoTracking()
                .Where(e => e.SubjectType == "customer" && e.SubjectId == subject).OrderBy(e => e.Id).Select(e => new { e.Type, e.Payload }).ToListAsync();
        });
        Assert.Equal(["customer.created"], events.Select(e => e.Type).ToArray());
        Assert.Equal("it", JsonDocument.Parse(events[0].Payload).RootElement.GetProperty("preferredLanguage").GetString());

        // The same address, the same person; naming the case continues it and reopens it if it waited on them.
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync($"/api/v1/cases/{first.CaseId}/replies", new { body = "Può mandarci il numero?", statusAfter = "WaitingOnCustomer" }, Api.Json)).StatusCode);
        var second = await ReadAsync(await PostAsync(api, new { from = new { email = email.ToUpperInvariant() }, body = "Il numero è 2026/118.", channel = "Email", caseId = first.CaseId }));
        Assert.False(second.NewCase);
        Assert.False(second.NewCustomer);
        Assert.Equal(first.CustomerId, second.CustomerId);
        var messages = (await api.GetFromJsonAsync<MessagePage>($"/api/v1/cases/{first.CaseId}/messages", Api.Json))!.Items;
        Assert.Equal([MessageKind.Customer, MessageKind.Reply, MessageKind.Customer], messages.Select(m => m.Kind).ToArray());
        Assert.Equal(Channel.Email, messages[^1].Channel);
        Assert.Equal(CaseStatus.Open, (await api.GetFromJsonAsync<CaseDetails>($"/api/v1/cases/{first.CaseId}", Api.Json))!.Status);
    }

    [Fact]
    public async Task A_repeated_idempotency_key_returns_the_first_result_and_writes_once_even_when_sent_at_once()
    {
        var api = await App.AsFrontline();
        var body = new { from = new { phone = "+39 333 " + Random.Shared.Next(1_000_000, 9_999_999) }, body = "Chiamatemi per favore", channel = "Social" };
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => PostAsync(api, body, key)));
        var results = await Task.WhenAll(responses.Select(ReadAsync));
        Assert.Single(results.Select(r => r.MessageId).Distinct());
        Assert.Single(results.Select(r => r.CaseId).Distinct());
        Assert.Single((await api.GetFromJsonAsync<MessagePage>($"/api/v1/cases/{results[0].CaseId}/messages", Api.Json))!.Items);

        var replay = await PostAsync(api, body, key);
        Assert.Equal(results[0], await ReadAsync(replay));
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());

        // The same key for a different message is refused, not mistaken for the first.
        var reused = await PostAsync(api, new { from = body.from, body = "Altro testo", channel = "Social" }, key);
        Assert.Equal(HttpStatusCode.Conflict, reused.StatusCode);
        Assert.Equal("Error.IdempotencyMismatch", (await reused.ReadJsonAsync()).GetProperty("code").GetString());

        // Keys belong to whoever sent them: another member of staff sending the same key and message gets their own.
        var other = await PostAsync(await App.AsStaff("TeamLead"), body, key);
        Assert.NotEqual(results[0].MessageId, (await ReadAsync(other)).MessageId);
        Assert.False(other.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task An_idempotency_key_is_forgotten_after_its_retention_but_an_imported_posts_id_is_kept()
    {
        var api = await App.AsFrontline();
        var from = new { phone = "+39 347 " + Random.Shared.Next(1_000_000, 9_999_999) };
        string old = Guid.NewGuid().ToString(), recent = Guid.NewGuid().ToString(), post = $"x:{Guid.NewGuid():N}";
        var first = await ReadAsync(await PostAsync(api, new { from, body = "Prima richiesta", channel = "Social" }, old));
        var kept = await ReadAsync(await PostAsync(api, new { from, body = "Seconda richiesta", channel = "Social", caseId = first.CaseId }, recent));

        // The first key is from eight days ago; an imported post's id from a year ago.
        var now = App.Clock.GetUtcNow();
        await App.WithServices(async services =>
        {
            var db = services.GetRequiredService<RibaltaDbContext>();
            await db.Set<IdempotencyRecord>().Where(r => r.Key == old).ExecuteUpdateAsync(u => u.SetProperty(r => r.CreatedAt, now.AddDays(-8)));
            db.Add(IdempotencyRecord.For(Ribalta.Channels.Social.SocialMentions.IdempotencyScope, post, "hash", first, now.AddDays(-365)));
            return await db.SaveChangesAsync();
        });

        var retention = App.Services.GetRequiredService<IdempotencyRetention>();
        while (await retention.ForgetAsync(CancellationToken.None) > 0)
        {
        }

        var left = await App.WithServices(services => services.GetRequiredService<RibaltaDbContext>().Set<IdempotencyRecord>()
            .Where(r => r.Key == old || r.Key == recent || r.Key == post).Select(r => r.Key).ToListAsync());
        Assert.Equal(new[] { post, recent }.Order(), left.Order());

        // The forgotten key may be used again for another message; the kept one still answers with its first result.
        var again = await ReadAsync(await PostAsync(api, new { from, body = "Una richiesta nuova", channel = "Social", caseId = first.CaseId }, old));
        Assert.NotEqual(first.MessageId, again.MessageId);
        var replay = await PostAsync(api, new { from, body = "Seconda richiesta", channel = "Social", caseId = first.CaseId }, recent);
        Assert.Equal(kept, await ReadAsync(replay));
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
    }

    [Fact]
    public async Task Many_messages_sent_together_all_land_each_once()
    {
        var api = await App.AsFrontline();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
            await ReadAsync(await PostAsync(api, new { from = new { handle = $"@user{tag}{i % 10}" }, body = $"Messaggio {i} {tag}", channel = "Social" }))));
        Assert.Equal(40, results.Select(r => r.MessageId).Distinct().Count());
        Assert.Equal(10, results.Select(r => r.CustomerId).Distinct().Count());
        Assert.Equal(40, await App.WithServices(services => services.GetRequiredService<RibaltaDbContext>().Set<Message>().CountAsync(m => m.Body.Contains(tag))));
    }

    [Fact]
    public async Task Continuations_sent_together_each_land_in_their_case_and_a_closed_or_foreign_case_is_refused()
    {
        var api = await App.AsFrontline();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var senders = Enumerable.Range(0, 3).Select(i => $"continua.{tag}.{i}@example.es").ToArray();
        var opened = new List<IngestResult>();
        foreach (var email in senders)
        {
            opened.Add(await ReadAsync(await PostAsync(api, new { from = new { email }, body = $"Primer mensaje {tag}", language = "es" })));
        }

        // The third sender's case is solved and then closed: a closed case takes no more messages.
        var closing = opened[2];
        var version = (await api.GetFromJsonAsync<CaseDetails>($"/api/v1/cases/{closing.CaseId}", Api.Json))!.Version;
        foreach (var status in new[] { "Solved", "Closed" })
        {
            var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/cases/{closing.CaseId}") { Content = JsonContent.Create(new { status }, options: Api.Json) };
            request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{version}\""));
            var changed = await api.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
            version = (await changed.Content.ReadFromJsonAsync<CaseDetails>(Api.Json))!.Version;
        }

        // 30 at once: ten each to the first two cases, five to the closed one, five from the first sender to the second's case.
        var sends = Enumerable.Range(0, 10).Select(i => (Sender: 0, Case: 0, Body: $"A{i} {tag}"))
            .Concat(Enumerable.Range(0, 10).Select(i => (Sender: 1, Case: 1, Body: $"B{i} {tag}")))
            .Concat(Enumerable.Range(0, 5).Select(i => (Sender: 2, Case: 2, Body: $"C{i} {tag}")))
            .Concat(Enumerable.Range(0, 5).Select(i => (Sender: 0, Case: 1, Body: $"X{i} {tag}")))
            .ToList();
        var responses = await Task.WhenAll(sends.Select(m =>
            PostAsync(api, new { from = new { email = senders[m.Sender] }, body = m.Body, channel = "Email", caseId = opened[m.Case].CaseId }, Guid.NewGuid().ToString())));

        for (var i = 0; i < sends.Count; i++)
        {
            var expected = sends[i] switch
            {
                { Case: 2 } => HttpStatusCode.Conflict,
                { Sender: 0, Case: 1 } => HttpStatusCode.NotFound,
                _ => HttpStatusCode.Created,
            };
            Assert.Equal(expected, responses[i].StatusCode);
            if (expected == HttpStatusCode.Created)
            {
                var result = await ReadAsync(responses[i]);
                Assert.Equal(opened[sends[i].Case].CaseId, result.CaseId);
                Assert.Equal(opened[sends[i].Sender].CustomerId, result.CustomerId);
                Assert.False(result.NewCase);
            }
        }

        foreach (var (n, prefix) in new[] { (0, "A"), (1, "B") })
        {
            var bodies = (await api.GetFromJsonAsync<MessagePage>($"/api/v1/cases/{opened[n].CaseId}/messages?limit=50", Api.Json))!.Items.Select(m => m.Body).ToList();
            Assert.Equal(11, bodies.Count);
            Assert.Equal(Enumerable.Range(0, 10).Select(i => $"{prefix}{i} {tag}").Order(), bodies.Skip(1).Order());
        }

        Assert.Single((await api.GetFromJsonAsync<MessagePage>($"/api/v1/cases/{closing.CaseId}/messages", Api.Json))!.Items);

        // Each message written together has its search entry, in its case (on PostgreSQL they are written apart from
        // the messages, in one statement), and is found.
        foreach (var n in new[] { 0, 1 })
        {
            var (messages, entries) = await App.WithServices(async services =>
            {
                var db = services.GetRequiredService<RibaltaDbContext>();
                var caseId = opened[n].CaseId;
                return (await db.Set<Message>().Where(m => m.CaseId == caseId).Select(m => m.Id).OrderBy(id => id).ToListAsync(),
                    await db.Set<SearchEntry>().Where(e => e.CaseId == caseId).Select(e => e.MessageId).OrderBy(id => id).ToListAsync());
            });
            Assert.Equal(11, entries.Count);
            Assert.Equal(messages, entries);
        }

        var found = (await api.GetFromJsonAsync<SearchResults>($"/api/v1/search?q={Uri.EscapeDataString($"B7 {tag}")}", Api.Json))!.Messages;
        Assert.Equal("B7 " + tag, Assert.Single(found).SnippetHtml.Replace("<mark>", "", StringComparison.Ordinal).Replace("</mark>", "", StringComparison.Ordinal));
        Assert.Equal(opened[1].CaseId, found[0].CaseId);
        var events = await App.WithServices(async services =>
        {
            var subject = opened[0].CaseId.ToString(CultureInfo.InvariantCulture);
            return await services.GetRequiredService<RibaltaDbContext>().Set<EventRecord>()
                .CountAsync(e => e.SubjectType == "case" && e.SubjectId == subject && e.Type == CaseCustomerWrote.Type);
        });
        Assert.Equal(10, events);
    }

    [Fact]
    public async Task The_senders_of_a_batch_are_found_together_by_email_phone_or_handle_however_written()
    {
        var api = await App.AsFrontline();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var digits = Random.Shared.Next(1_000_000, 9_999_999).ToString(CultureInfo.InvariantCulture);
        var byEmail = await ReadAsync(await PostAsync(api, new { from = new { email = $"Mixed.{tag}@Example.com" }, body = "First message", language = "en" }));
        var byPhone = await ReadAsync(await PostAsync(api, new { from = new { phone = $"+39 06 {digits}" }, body = "Primo messaggio", language = "it" }));
        var byHandle = await ReadAsync(await PostAsync(api, new { from = new { handle = $"@mixed{tag}" }, body = "Primer mensaje", language = "es" }));

        (ContactKind, string)[] asked =
        [
            (ContactKind.Email, $" mixed.{tag}@EXAMPLE.com"), (ContactKind.Phone, $"+39-06-{digits}"), (ContactKind.Handle, $"mixed{tag}"),
            (ContactKind.Email, $"nobody.{tag}@example.com"), (ContactKind.Email, $"MIXED.{tag}@example.com"),
        ];
        var found = await App.WithServices(sp => sp.GetRequiredService<ICustomerDirectory>().FindByContactsAsync(asked, default));
        Assert.Equal(4, found.Count);
        Assert.Equal(byEmail.CustomerId, found[asked[0]].Id);
        Assert.Equal(byPhone.CustomerId, found[asked[1]].Id);
        Assert.Equal(byHandle.CustomerId, found[asked[2]].Id);
        Assert.False(found.ContainsKey(asked[3]));
        Assert.Equal(byEmail.CustomerId, found[asked[4]].Id);

        // The same through a batch: each continuation, written another way, lands in its own sender's case.
        var response = await api.PostAsJsonAsync("/api/v1/messages/batch", new
        {
            messages = new object[]
            {
                new { from = new { phone = $"+39 (06) {digits}" }, body = "Secondo messaggio", caseId = byPhone.CaseId },
                new { from = new { email = $"MIXED.{tag}@example.com" }, body = "Second message", caseId = byEmail.CaseId },
                new { from = new { handle = $"Mixed{tag}" }, body = "Segundo mensaje", caseId = byHandle.CaseId },
            },
        }, Api.Json);
        var results = (await response.Content.ReadFromJsonAsync<IngestBatchResponse>(Api.Json))!.Results;
        Assert.Equal([201, 201, 201], results.Select(r => r.Status).ToArray());
        Assert.Equal([byPhone.CaseId, byEmail.CaseId, byHandle.CaseId], results.Select(r => r.Result!.CaseId).ToArray());
        Assert.Equal([byPhone.CustomerId, byEmail.CustomerId, byHandle.CustomerId], results.Select(r => r.Result!.CustomerId).ToArray());
    }

    [Fact]
    public async Task The_language_is_read_from_the_words_when_not_given_and_a_customer_without_one_learns_it()
    {
        var api = await App.AsFrontline();
        var email = $"lingua.{Guid.NewGuid():N}@example.es";
        var opened = await ReadAsync(await PostAsync(api, new { from = new { email }, body = "Buenas tardes, el paquete que pedí la semana pasada todavía no ha llegado. ¿Me pueden ayudar?" }));
        Assert.Equal("es", (await api.GetFromJsonAsync<CaseDetails>($"/api/v1/cases/{opened.CaseId}", Api.Json))!.Language);
        var customer = (await api.GetFromJsonAsync<CustomerDetails>($"/api/v1/customers/{opened.CustomerId}", Api.Json))!;
        Assert.Equal("es", customer.PreferredLanguage);

        // Someone known but without a language learns it from their next words; a language given by the caller wins.
        var known = await ReadAsync(await PostAsync(api, new { from = new { phone = $"+39 06 {Random.Shared.Next(1_000_000, 9_999_999)}" }, body = "ok" }));
        Assert.Null((await api.GetFromJsonAsync<CustomerDetails>($"/api/v1/customers/{known.CustomerId}", Api.Json))!.PreferredLanguage);
        var phone = (await api.GetFromJsonAsync<CustomerDetails>($"/api/v1/customers/{known.CustomerId}", Api.Json))!.ContactPoints.Single().Value;
        await ReadAsync(await PostAsync(api, new { from = new { phone }, body = "Buongiorno, vorrei sapere perché la fattura di ottobre è più alta del solito.", caseId = known.CaseId }));
        await ReadAsync(await PostAsync(api, new { from = new { phone }, body = "Hello, one more question about the same invoice please.", caseId = known.CaseId, language = "en" }));
        Assert.Equal("it", (await api.GetFromJsonAsync<CustomerDetails>($"/api/v1/customers/{known.CustomerId}", Api.Json))!.PreferredLanguage);
        var messages = (await api.GetFromJsonAsync<MessagePage>($"/api/v1/cases/{known.CaseId}/messages", Api.Json))!.Items;
        Assert.Equal<string?>(["it", "en"], messages.Skip(1).Select(m => m.Language));
    }

    [Fact]
    public async Task A_short_follow_up_is_read_in_the_case_s_language_and_a_guess_from_a_few_words_is_never_learned()
    {
        var api = await App.AsFrontline();

        // Lingua reads "I forgot my password" as Italian: the case may be filed so, the customer does not learn it.
        var guessed = await ReadAsync(await PostAsync(api, new { from = new { email = $"guess.{Guid.NewGuid():N}@example.com" }, body = "I forgot my password" }));
        Assert.Null((await api.GetFromJsonAsync<CustomerDetails>($"/api/v1/customers/{guessed.CustomerId}", Api.Json))!.PreferredLanguage);

        // A Spanish conversation: the short follow-up is Spanish too, though under 20 characters say nothing alone.
        var email = $"corto.{Guid.NewGuid():N}@example.es";
        var opened = await ReadAsync(await PostAsync(api, new { from = new { email }, body = "Buenas tardes, el paquete que pedí la semana pasada todavía no ha llegado. ¿Me pueden ayudar?" }));
        await ReadAsync(await PostAsync(api, new { from = new { email }, body = "Quiero un reembolso", caseId = opened.CaseId }));
        var third = await ReadAsync(await PostAsync(api, new { from = new { email }, body = "¿y mi pedido?" }));
        Assert.True(third.NewCase);
        Assert.False(third.NewCustomer);
        Assert.Equal("es", (await api.GetFromJsonAsync<CaseDetails>($"/api/v1/cases/{third.CaseId}", Api.Json))!.Language);
        var messages = (await api.GetFromJsonAsync<MessagePage>($"/api/v1/cases/{opened.CaseId}/messages", Api.Json))!.Items;
        Assert.Equal<string?>(["es", "es"], messages.Select(m => m.Language));
        var other = (await api.GetFromJsonAsync<CustomerDetails>($"/api/v1/customers/{opened.CustomerId}", Api.Json))!;
        Assert.Equal("es", other.PreferredLanguage);
    }

    [Fact]
    public async Task A_batch_lands_every_message_once_with_a_status_each_and_a_malformed_one_refuses_the_whole_batch()
    {
        var api = await App.AsFrontline();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var owner = await ReadAsync(await PostAsync(api, new { from = new { email = $"batch.{tag}@example.it" }, body = "Primo messaggio" }));
        var stranger = $"estraneo.{tag}@example.it";
        var key = Guid.NewGuid().ToString();
        object[] messages =
        [
            new { from = new { email = $"batch.{tag}@example.it" }, body = "Secondo messaggio, sulla stessa pratica", caseId = owner.CaseId, idempotencyKey = key },
            new { from = new { email = $"batch.{tag}@example.it" }, body = "Secondo messaggio, sulla stessa pratica", caseId = owner.CaseId, idempotencyKey = key },
            new { from = new { handle = $"@nuovo{tag}" }, body = "I need help with my subscription renewal, it failed twice", channel = "Social" },
            new { from = new { email = stranger }, body = "Not mine", caseId = owner.CaseId },
            new { from = new { email = $"batch.{tag}@example.it" }, body = "Un altro messaggio con la stessa chiave", caseId = owner.CaseId, idempotencyKey = key },
            new { from = new { email = $"batch.{tag}@example.it" }, body = "Una pratica che non esiste", caseId = long.MaxValue },
        ];

        var response = await api.PostAsJsonAsync("/api/v1/messages/batch", new { messages }, Api.Json);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = (await response.Content.ReadFromJsonAsync<IngestBatchResponse>(Api.Json))!.Results;
        Assert.Equal([201, 201, 201, 404, 409, 404], results.Select(r => r.Status).ToArray());
        Assert.Equal(results[0].Result, results[1].Result);
        Assert.True(results[1].Replayed);
        Assert.Equal(owner.CaseId, results[0].Result!.CaseId);
        Assert.True(results[2].Result!.NewCustomer);
        Assert.Equal("en", (await api.GetFromJsonAsync<CaseDetails>($"/api/v1/cases/{results[2].Result!.CaseId}", Api.Json))!.Language);
        Assert.Equal("Error.NotFound", results[3].Code);
        Assert.Equal("Error.IdempotencyMismatch", results[4].Code);
        Assert.Equal("Error.NotFound", results[5].Code);
        Assert.Equal(2, (await api.GetFromJsonAsync<MessagePage>($"/api/v1/cases/{owner.CaseId}/messages", Api.Json))!.Items.Count);
        Assert.Null((await api.SearchCustomersAsync(stranger)).Items.FirstOrDefault());

        // One malformed message (here the third: no sender) refuses them all, with the field named; nothing is written.
        var refused = await api.PostAsJsonAsync("/api/v1/messages/batch", new
        {
            messages = new object[]
            {
                new { from = new { email = $"batch.{tag}@example.it" }, body = "Terzo", caseId = owner.CaseId },
                new { from = new { email = $"batch.{tag}@example.it" }, body = "Quarto", caseId = owner.CaseId },
                new { body = "Senza mittente" },
            },
        }, Api.Json);
        await refused.AssertRefusedAsync("messages[2].from");
        Assert.Equal(2, (await api.GetFromJsonAsync<MessagePage>($"/api/v1/cases/{owner.CaseId}/messages", Api.Json))!.Items.Count);

        await (await api.PostAsJsonAsync("/api/v1/messages/batch", new { messages = Array.Empty<object>() }, Api.Json)).AssertRefusedAsync("messages", $"between 1 and {IngestEndpoints.MaxBatch}");
        var tooMany = Enumerable.Range(0, IngestEndpoints.MaxBatch + 1).Select(i => new { from = new { email = $"batch.{tag}@example.it" }, body = $"n{i}" }).ToArray();
        await (await api.PostAsJsonAsync("/api/v1/messages/batch", new { messages = tooMany }, Api.Json)).AssertRefusedAsync("messages", $"between 1 and {IngestEndpoints.MaxBatch}");
    }

    [Fact]
    public async Task A_message_the_database_refuses_fails_alone_the_rest_of_its_batch_lands_and_its_key_stays_free()
    {
        var api = await App.AsFrontline();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var marker = "poison" + tag;
        var refused = $"rifiutato.{tag}@example.it";
        var key = Guid.NewGuid().ToString();
        await RefuseMessagesAsync(marker);
        try
        {
            // Written together, the refusal fails the writer's whole transaction; each message is then written on its own,
            // so only the refused one fails (500), and nothing of it stays, not even its sender.
            var response = await api.PostAsJsonAsync("/api/v1/messages/batch", new
            {
                messages = new object[]
                {
                    new { from = new { email = $"prima.{tag}@example.it" }, body = "Il primo messaggio" },
                    new { from = new { email = refused }, body = $"Questo no {marker}", idempotencyKey = key },
                    new { from = new { email = $"terza.{tag}@example.it" }, body = "Il terzo messaggio" },
                },
            }, Api.Json);
            var results = (await response.Content.ReadFromJsonAsync<IngestBatchResponse>(Api.Json))!.Results;
            Assert.Equal([201, 500, 201], results.Select(r => r.Status).ToArray());
            Assert.Equal("Error.Unexpected", results[1].Code);
            foreach (var landed in new[] { results[0].Result!, results[2].Result! })
            {
                Assert.True(landed.NewCustomer);
                Assert.Single((await api.GetFromJsonAsync<MessagePage>($"/api/v1/cases/{landed.CaseId}/messages", Api.Json))!.Items);
            }

            Assert.Null((await api.SearchCustomersAsync(refused)).Items.FirstOrDefault());

            // Alone it fails the same way, and the writer goes on: the next message lands.
            Assert.Equal(HttpStatusCode.InternalServerError, (await PostAsync(api, new { from = new { email = refused }, body = $"Questo no {marker}" }, key)).StatusCode);
            Assert.True((await ReadAsync(await PostAsync(api, new { from = new { email = $"dopo.{tag}@example.it" }, body = "Dopo il rifiuto" }))).NewCase);

            // A failure is never kept as the key's answer: once the cause is gone, the same key writes the message.
            await AllowMessagesAsync(marker);
            var retried = await PostAsync(api, new { from = new { email = refused }, body = $"Questo no {marker}" }, key);
            var written = await ReadAsync(retried);
            Assert.False(retried.Headers.Contains("Idempotent-Replayed"));
            Assert.True(written.NewCustomer);
            Assert.Equal($"Questo no {marker}", Assert.Single((await api.GetFromJsonAsync<MessagePage>($"/api/v1/cases/{written.CaseId}/messages", Api.Json))!.Items).Body);
        }
        finally
        {
            await AllowMessagesAsync(marker);
        }
    }

    [Fact]
    public async Task A_given_subject_is_kept_and_a_missing_one_is_the_first_line_cut_at_a_word_near_80_characters()
    {
        var api = await App.AsFrontline();
        var tag = Guid.NewGuid().ToString("N")[..8];
        const string Exactly80 = "Il pacco ordinato il 2 novembre è arrivato aperto, e mancano due dei tre libri!!";
        const string Sixty = "Buongiorno, vi scrivo per il pacco che doveva arrivare ieri.";
        const string Forty = "Non riesco ad aprire il link della mail:";
        const string Link = "https://negozio.example/ordini/2026/verifica-consegna?codice=AB12CD34";
        (string? Subject, string Body, string Expected)[] cases =
        [
            ("  Rimborso per l'ordine 2026/118  ", "Vorrei il rimborso dell'ordine.", "Rimborso per l'ordine 2026/118"),
            ("   ", "Il reso è partito ieri.\nCordiali saluti", "Il reso è partito ieri."),
            (null, $"{Exactly80}\nSeconda riga", Exactly80),
            // The last space before the 80th character ends the subject...
            (null, $"{Sixty} Precipitevolissimevolmente, come sempre del resto.", $"{Sixty}…"),
            // ...unless it is at the 40th or before: then 80 characters, cut inside the word.
            (null, $"{Forty} {Link}", $"{$"{Forty} {Link}"[..80]}…"),
        ];

        var response = await api.PostAsJsonAsync("/api/v1/messages/batch", new
        {
            messages = cases.Select((c, i) => new { from = new { email = $"oggetto.{tag}.{i}@example.it" }, body = c.Body, subject = c.Subject }).ToArray(),
        }, Api.Json);
        var results = (await response.Content.ReadFromJsonAsync<IngestBatchResponse>(Api.Json))!.Results;
        Assert.Equal(Enumerable.Repeat(201, cases.Length), results.Select(r => r.Status));
        for (var i = 0; i < cases.Length; i++)
        {
            Assert.Equal(cases[i].Expected, (await api.GetFromJsonAsync<CaseDetails>($"/api/v1/cases/{results[i].Result!.CaseId}", Api.Json))!.Subject);
        }
    }

    [Fact]
    public async Task A_continuation_refused_teaches_the_customer_no_language_and_one_written_does()
    {
        var api = await App.AsFrontline();
        var email = $"chiusa.{Guid.NewGuid():N}@example.it";
        var first = await ReadAsync(await PostAsync(api, new { from = new { email }, body = "ok" }));
        Assert.Null((await api.GetFromJsonAsync<CustomerDetails>($"/api/v1/customers/{first.CustomerId}", Api.Json))!.PreferredLanguage);
        var read = (await api.GetFromJsonAsync<CaseDetails>($"/api/v1/cases/{first.CaseId}", Api.Json))!;
        foreach (var status in new[] { "Solved", "Closed" })
        {
            var changed = await api.PatchCaseAsync(read, new { status });
            read = await changed.ReadExpectedAsync<CaseDetails>(HttpStatusCode.OK, $"Case to {status}");
        }

        const string Words = "Buongiorno, scrivo ancora per l'ordine: non è mai arrivato niente.";
        var refused = await PostAsync(api, new { from = new { email }, body = Words, caseId = first.CaseId, language = "it" });
        await refused.AssertProblemAsync(HttpStatusCode.Conflict, "Error.CaseClosed");
        Assert.Null((await api.GetFromJsonAsync<CustomerDetails>($"/api/v1/customers/{first.CustomerId}", Api.Json))!.PreferredLanguage);

        // The same words on a case of theirs that is open are written, and their language is learned.
        var open = await ReadAsync(await PostAsync(api, new { from = new { email }, body = "ok ok" }));
        await ReadAsync(await PostAsync(api, new { from = new { email }, body = Words, caseId = open.CaseId, language = "it" }));
        Assert.Equal("it", (await api.GetFromJsonAsync<CustomerDetails>($"/api/v1/customers/{first.CustomerId}", Api.Json))!.PreferredLanguage);
    }

    [Fact]
    public async Task Words_that_say_nothing_of_their_language_are_filed_in_their_case_s_language_not_the_customer_s()
    {
        var api = await App.AsFrontline();
        var email = $"two.languages.{Guid.NewGuid():N}@example.com";
        var english = await ReadAsync(await PostAsync(api, new { from = new { email }, body = "Hello, I need help with my order.", language = "en" }));
        var spanish = await ReadAsync(await PostAsync(api, new { from = new { email }, body = "Hola, necesito ayuda con mi pedido.", language = "es" }));
        Assert.Equal("es", (await api.GetFromJsonAsync<CaseDetails>($"/api/v1/cases/{spanish.CaseId}", Api.Json))!.Language);
        Assert.Equal("en", (await api.GetFromJsonAsync<CustomerDetails>($"/api/v1/customers/{english.CustomerId}", Api.Json))!.PreferredLanguage);

        // "ok" is read as the customer's English only as a guess; on their Spanish case it is Spanish.
        await ReadAsync(await PostAsync(api, new { from = new { email }, body = "ok", caseId = spanish.CaseId }));
        var messages = (await api.GetFromJsonAsync<MessagePage>($"/api/v1/cases/{spanish.CaseId}/messages", Api.Json))!.Items;
        Assert.Equal("ok", messages[^1].Body);
        Assert.Equal("es", messages[^1].Language);
    }

    [Fact]
    public async Task An_idempotency_key_is_each_integration_s_own_even_when_its_message_fails()
    {
        var admin = await App.AsAdmin();
        var crm = App.WithApiKey((await admin.CreateApiKeyAsync($"CRM {Api.Unique()}", ["write"])).Key);
        var shop = App.WithApiKey((await admin.CreateApiKeyAsync($"Shop {Api.Unique()}", ["write"])).Key);
        var tag = Guid.NewGuid().ToString("N")[..8];
        var marker = "poison" + tag;
        var key = Guid.NewGuid().ToString();
        var message = new { from = new { email = $"chiave.{tag}@example.it" }, body = $"La stessa richiesta {marker}" };
        var landed = await ReadAsync(await PostAsync(crm, message, key));

        await RefuseMessagesAsync(marker);
        try
        {
            // The shop's message under the same key is its own: the database refuses it, and the shop is told so, never
            // answered with the CRM's result. The CRM's repeat is still answered from its own record.
            await (await PostAsync(shop, message, key)).AssertProblemAsync(HttpStatusCode.InternalServerError, "Error.Unexpected");
            var replay = await PostAsync(crm, message, key);
            Assert.Equal(landed, await ReadAsync(replay));
            Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        }
        finally
        {
            await AllowMessagesAsync(marker);
        }

        var own = await PostAsync(shop, message, key);
        var written = await ReadAsync(own);
        Assert.False(own.Headers.Contains("Idempotent-Replayed"));
        Assert.NotEqual(landed.MessageId, written.MessageId);
        Assert.Equal(landed.CustomerId, written.CustomerId);
    }

    [Fact]
    public async Task A_retry_is_the_same_request_even_when_its_words_are_read_otherwise_the_second_time()
    {
        var api = await App.AsFrontline();
        var email = $"retry.{Guid.NewGuid():N}@example.com";
        var key = Guid.NewGuid().ToString();
        var request = new { from = new { email }, body = "I forgot my password" };
        var first = await ReadAsync(await PostAsync(api, request, key));

        // Read alone, the words pass for Italian; once the customer is known to write English, the same words are read as English.
        await ReadAsync(await PostAsync(api, new { from = new { email }, body = "Hello, one more thing about my account please.", language = "en" }));
        var again = await ReadAsync(await PostAsync(api, request));
        Assert.Equal("it", (await api.GetFromJsonAsync<CaseDetails>($"/api/v1/cases/{first.CaseId}", Api.Json))!.Language);
        Assert.Equal("en", (await api.GetFromJsonAsync<CaseDetails>($"/api/v1/cases/{again.CaseId}", Api.Json))!.Language);

        // The retry is the request as sent the first time: answered with the first result, not refused as another one.
        var retry = await PostAsync(api, request, key);
        Assert.Equal(first, await ReadAsync(retry));
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
    }

    /// <summary>The database refuses any message whose body holds the marker, as it would a write it cannot take.</summary>
    private Task<int> RefuseMessagesAsync(string marker) =>
        App.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Database.ExecuteSqlRawAsync(App.Provider == "Postgres"
            ? $"CREATE FUNCTION refuse_{marker}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.\"Body\" LIKE '%{marker}%' THEN RAISE EXCEPTION 'refused by the database: {marker}'; END IF; RETURN NEW; END $$; "
                + $"CREATE TRIGGER refuse_{marker} BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION refuse_{marker}();"
            : $"CREATE TRIGGER refuse_{marker} BEFORE INSERT ON messages WHEN NEW.\"Body\" LIKE '%{marker}%' BEGIN SELECT RAISE(ABORT, 'refused by the database: {marker}'); END;"));

    private Task<int> AllowMessagesAsync(string marker) =>
        App.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Database.ExecuteSqlRawAsync(App.Provider == "Postgres"
            ? $"DROP TRIGGER IF EXISTS refuse_{marker} ON messages; DROP FUNCTION IF EXISTS refuse_{marker}();"
            : $"DROP TRIGGER IF EXISTS refuse_{marker};"));

    [Fact]
    public async Task Bad_messages_are_refused_with_reasons_and_create_nothing()
    {
        var api = await App.AsFrontline();
        var email = $"rifiuto.{Guid.NewGuid():N}@example.org";
        async Task RefusedAsync(object body, string field)
        {
            var response = await PostAsync(api, body);
            await response.AssertRefusedAsync(field);
        }

        await RefusedAsync(new { body = "Hello" }, "from");
        await RefusedAsync(new { from = new { email = "not-an-email" }, body = "Hello" }, "from.email");
        await RefusedAsync(new { from = new { email }, body = "  " }, "body");
        await RefusedAsync(new { from = new { email }, body = "Hi", language = "xx" }, "language");
        await RefusedAsync(new { from = new { email }, body = "Hi", subject = new string('s', 201) }, "subject");
        Assert.Null((await (await App.AsFrontline()).SearchCustomersAsync(email)).Items.FirstOrDefault());

        // A phone number the customer record cannot take (letters in it) is refused by it, with the reason, not a 500.
        var phone = $"chiamami {Api.Unique("dopo")}";
        await RefusedAsync(new { from = new { phone }, body = "Richiamatemi per favore" }, "phones");
        Assert.Null((await api.SearchCustomersAsync(phone)).Items.FirstOrDefault());

        // Continuing someone else's case (or a case of nobody we know) is a 404 that creates no one.
        var owner = await ReadAsync(await PostAsync(api, new { from = new { email = $"owner.{Guid.NewGuid():N}@example.org" }, body = "Mine" }));
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(api, new { from = new { email }, body = "Not mine", caseId = owner.CaseId })).StatusCode);
        Assert.Null((await api.SearchCustomersAsync(email)).Items.FirstOrDefault());
        Assert.Single((await api.GetFromJsonAsync<MessagePage>($"/api/v1/cases/{owner.CaseId}/messages", Api.Json))!.Items);
    }
}

[Collection(SqliteCollection.Name)]
[Trait("Suite", "Sqlite")]
public sealed class IngestTestsOnSqlite(SqliteAppFixture fixture) : IngestTests(fixture.App);

[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class IngestTestsOnPostgres(PostgresAppFixture fixture) : IngestTests(fixture.App);
