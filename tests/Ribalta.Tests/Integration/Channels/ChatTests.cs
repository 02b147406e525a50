using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Ribalta.Cases;
using Ribalta.Channels.Chat;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Domain;
using Ribalta.Channels.Email;
using Ribalta.Customers.Contracts;
using Ribalta.Platform.Data;
using Ribalta.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Ribalta.Tests.Integration.Channels;

/// <summary>
/// The chat widget's server end, through the front door: a real SignalR connection (WebSocket, and long polling as the
/// fallback) from a page on an allowed site, origins checked on every handshake, lines committed before they are
/// acknowledged, staff replies relayed live, resume by token, continue by email, and limits that refuse with a sentence.
/// </summary>
public abstract class ChatTests(RibaltaApp app) : IAsyncDisposable
{
    private const string Shop = "https://shop.example";
    private readonly List<HubConnection> _connections = [];

    protected RibaltaApp App { get; } = app;

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    private async Task<ChatWidgetDto> WidgetAsync(string[]? origins = null, Guid? mailboxId = null, bool enabled = true)
    {
        var admin = await App.AsAdmin();
        return await admin.CreateWidgetAsync(new ChatWidgetInput(Api.Unique("Shop site "), origins ?? [Shop], enabled, null, mailboxId));
    }

    /// <summary>A visitor's connection (not started), disposed of with the test.</summary>
    private HubConnection Visitor(string key, string? origin = Shop, string lang = "en", HttpTransportType transport = HttpTransportType.WebSockets, bool skipNegotiation = false, WebApplicationFactory<Program>? host = null)
    {
        var connection = (host ?? App).ChatVisitor(key, origin, lang, transport, skipNegotiation);
        _connections.Add(connection);
        return connection;
    }

    private static PushedLines Lines(HubConnection connection)
    {
        var lines = new PushedLines();
        connection.On<ChatLine>("message", lines.Add);
        return lines;
    }

    private static async Task<ChatLine> NextAsync(PushedLines lines, Func<ChatLine, bool> wanted)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (true)
        {
            var line = await lines.Pushed.Reader.ReadAsync(timeout.Token);
            if (wanted(line))
            {
                return line;
            }
        }
    }

    /// <summary>A mailbox for chats that go on by email; what it sends stays in the outbox.</summary>
    private async Task<MailboxDto> SendingMailboxAsync() => await (await App.AsAdmin()).CreateOutboxOnlyMailboxAsync("Chat follow-up");

    private Task<T> Db<T>(Func<RibaltaDbContext, Task<T>> query) => App.WithServices(sp => query(sp.GetRequiredService<RibaltaDbContext>()));

    [Fact]
    public async Task A_visitor_writing_spanish_on_the_english_site_is_a_spanish_speaker_for_the_case_and_the_person()
    {
        var widget = await WidgetAsync();
        var visitor = Visitor(widget.Key, lang: "en");
        await visitor.StartAsync();

        var started = await visitor.InvokeAsync<ChatState>("Start", new ChatStartRequest("Lucía Gómez", null, "Hola, mi pedido llegó roto y quiero saber cómo devolverlo.", null));

        var @case = await Db(db => db.Set<Case>().AsNoTracking().FirstAsync(c => c.Id == started.CaseId));
        Assert.Equal("es", @case.Language);
        var customer = await App.WithServices(sp => sp.GetRequiredService<ICustomerDirectory>().FindAsync(@case.CustomerId, default));
        Assert.Equal("es", customer!.PreferredLanguage);
        await visitor.DisposeAsync();
    }

    [Fact]
    public async Task A_chat_becomes_a_case_lines_are_committed_before_the_ack_and_staff_replies_reach_the_visitor_live()
    {
        var widget = await WidgetAsync();
        var visitor = Visitor(widget.Key, lang: "it");
        var lines = Lines(visitor);
        await visitor.StartAsync();

        var started = await visitor.InvokeAsync<ChatState>("Start", new ChatStartRequest("Giulia Ferri", null, "Buongiorno, il mio ordine è in ritardo di una settimana. Potete aiutarmi?", "https://shop.example/ordini?id=55#dettagli"));
        Assert.False(string.IsNullOrEmpty(started.Token));
        Assert.True(started.Token!.Length >= 22);
        var first = Assert.Single(started.Messages);
        Assert.Equal("visitor", first.From);

        var @case = await Db(db => db.Set<Case>().AsNoTracking().FirstAsync(c => c.Id == started.CaseId));
        Assert.Equal(Channel.Chat, @case.Channel);
        Assert.Equal("it", @case.Language);
        var customer = await App.WithServices(sp => sp.GetRequiredService<ICustomerDirectory>().FindAsync(@case.CustomerId, default));
        Assert.Equal("Giulia Ferri", customer!.DisplayName);
        Assert.Equal("it", customer.PreferredLanguage);

        // Acknowledged means stored: the line is in the case the moment the call returns.
        var sent = await visitor.InvokeAsync<ChatLine>("Send", "Il numero d'ordine è 4471.");
        Assert.True(await Db(db => db.Set<Message>().AnyAsync(m => m.Id == sent.Id && m.CaseId == started.CaseId && m.Channel == Channel.Chat && m.Kind == MessageKind.Customer)));

        var agent = await App.AsFrontline();
        var chat = await agent.GetFromJsonAsync<ChatSessionDto>($"/api/v1/cases/{started.CaseId}/chat", Api.Json);
        Assert.True(chat!.Online);
        Assert.Equal("https://shop.example/ordini", chat.PageUrl);
        Assert.Equal(Shop, chat.Origin);
        Assert.Equal("Giulia Ferri", chat.VisitorName);

        // The visitor typing shows beside the case; sending a line ends it.
        await visitor.InvokeAsync("Typing", true);
        Assert.True((await agent.GetFromJsonAsync<ChatSessionDto>($"/api/v1/cases/{started.CaseId}/chat", Api.Json))!.Typing);
        await visitor.InvokeAsync("Typing", false);
        Assert.False((await agent.GetFromJsonAsync<ChatSessionDto>($"/api/v1/cases/{started.CaseId}/chat", Api.Json))!.Typing);

        // A note stays with staff; the reply after it reaches the visitor, and only the reply.
        Assert.Equal(HttpStatusCode.Created, (await agent.PostAsJsonAsync($"/api/v1/cases/{started.CaseId}/notes", new { body = "Nota interna: controllare il corriere" }, Api.Json)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await agent.PostAsJsonAsync($"/api/v1/cases/{started.CaseId}/replies", new { body = "Ciao Giulia, il pacco parte oggi." }, Api.Json)).StatusCode);
        var reply = await NextAsync(lines, l => l.From == "agent");
        Assert.Equal("Ciao Giulia, il pacco parte oggi.", reply.Body);
        Assert.DoesNotContain(lines.All, l => l.Body.Contains("Nota interna", StringComparison.Ordinal));

        // The agent's reply on a visitor who is here is not mailed.
        Assert.False(await Db(db => db.Set<OutboundEmail>().AnyAsync(o => o.CaseId == started.CaseId)));
    }

    [Fact]
    public async Task A_visitor_resumes_with_their_token_and_sees_their_lines_and_replies_but_never_notes()
    {
        var widget = await WidgetAsync();
        var first = Visitor(widget.Key, lang: "es");
        await first.StartAsync();
        var started = await first.InvokeAsync<ChatState>("Start", new ChatStartRequest(null, null, "Hola, no puedo entrar en mi cuenta desde ayer por la tarde.", null));
        var agent = await App.AsFrontline();
        await agent.PostAsJsonAsync($"/api/v1/cases/{started.CaseId}/notes", new { body = "Solo para el equipo" }, Api.Json);
        await agent.PostAsJsonAsync($"/api/v1/cases/{started.CaseId}/replies", new { body = "Hola, te ayudo ahora mismo." }, Api.Json);
        await first.StopAsync();

        var again = Visitor(widget.Key, lang: "es", transport: HttpTransportType.LongPolling);
        await again.StartAsync();
        var resumed = (await again.InvokeAsync<ChatState?>("Resume", started.Token))!;
        Assert.Null(resumed.Token);
        Assert.Equal(started.CaseId, resumed.CaseId);
        Assert.Equal(["visitor", "agent"], resumed.Messages.Select(m => m.From));
        Assert.DoesNotContain(resumed.Messages, m => m.Body.Contains("Solo para el equipo", StringComparison.Ordinal));
        var sent = await again.InvokeAsync<ChatLine>("Send", "Gracias, ya funciona.");
        Assert.Equal("visitor", sent.From);

        // Ending it is recorded for staff, and nothing more can be written to it.
        await again.InvokeAsync("End");
        var ended = await Db(db => db.Set<ChatSession>().AsNoTracking().SingleAsync(s => s.CaseId == started.CaseId));
        Assert.Equal(ChatEndedBy.Visitor, ended.EndedBy);
        Assert.NotNull(ended.EndedAt);
        Assert.True(await Db(db => db.Set<Message>().AnyAsync(m => m.CaseId == started.CaseId && m.Kind == MessageKind.System && m.Body.Contains("Chat.VisitorEnded"))));
        var closed = await Assert.ThrowsAsync<HubException>(() => again.InvokeAsync<ChatLine>("Send", "¿Hola?"));
        Assert.Contains("Este chat ha terminado", closed.Message, StringComparison.Ordinal);

        // A token does not open a chat of another widget, and a made-up one opens nothing: refused in the visitor's language.
        var other = await WidgetAsync();
        var stranger = Visitor(other.Key, lang: "es");
        await stranger.StartAsync();
        Assert.Null(await stranger.InvokeAsync<ChatState?>("Resume", started.Token));
        Assert.Null(await stranger.InvokeAsync<ChatState?>("Resume", "not-a-token"));
        var refused = await Assert.ThrowsAsync<HubException>(() => stranger.InvokeAsync<ChatLine>("Send", "hola"));
        Assert.Contains("Primero inicia el chat", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_the_widgets_sites_may_connect_on_any_transport_and_cors_answers_only_them()
    {
        var widget = await WidgetAsync([Shop, "http://localhost:8080/"]);
        var http = App.Anonymous();

        async Task<HttpResponseMessage> NegotiateAsync(string key, string? origin)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/chat/hub/negotiate?widget={key}&negotiateVersion=1");
            if (origin is not null)
            {
                request.Headers.Add("Origin", origin);
            }

            return await http.SendAsync(request);
        }

        var allowed = await NegotiateAsync(widget.Key, Shop);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(Shop, allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal(HttpStatusCode.OK, (await NegotiateAsync(widget.Key, "http://localhost:8080")).StatusCode);

        foreach (var spoofed in new[] { "https://evil.example", "https://shop.example.evil.example", "http://shop.example", "https://shop.example:8443", "null" })
        {
            var response = await NegotiateAsync(widget.Key, spoofed);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await NegotiateAsync(widget.Key, null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await NegotiateAsync("no-such-widget", Shop)).StatusCode);

        // The preflight a browser sends before negotiating.
        using (var preflight = new HttpRequestMessage(HttpMethod.Options, $"/chat/hub/negotiate?widget={widget.Key}"))
        {
            preflight.Headers.Add("Origin", Shop);
            preflight.Headers.Add("Access-Control-Request-Method", "POST");
            preflight.Headers.Add("Access-Control-Request-Headers", "x-requested-with,x-signalr-user-agent");
            var answer = await http.SendAsync(preflight);
            Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
            Assert.Contains("POST", answer.Headers.GetValues("Access-Control-Allow-Methods").Single(), StringComparison.Ordinal);
        }

        // A spoofed origin is refused on the WebSocket handshake too, even without negotiating first; and on long polling.
        var websocket = Visitor(widget.Key, "https://evil.example", skipNegotiation: true);
        // The handshake's answer is the origin check's 403, not some other failure to connect.
        var handshake = await Assert.ThrowsAsync<InvalidOperationException>(() => websocket.StartAsync());
        Assert.Contains("403", handshake.Message, StringComparison.Ordinal);
        var polling = Visitor(widget.Key, "https://evil.example", transport: HttpTransportType.LongPolling);
        var negotiate = await Assert.ThrowsAsync<HttpRequestException>(() => polling.StartAsync());
        Assert.Equal(HttpStatusCode.Forbidden, negotiate.StatusCode);

        // The widget's words, for its sites only, in the visitor's language and direction.
        using (var config = new HttpRequestMessage(HttpMethod.Get, $"/chat/widgets/{widget.Key}/config?lang=ar"))
        {
            config.Headers.Add("Origin", Shop);
            var answer = await http.SendAsync(config);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            var body = await answer.Content.ReadFromJsonAsync<ChatWidgetConfig>(Api.Json);
            Assert.Equal("rtl", body!.Direction);
            Assert.Equal("ar", body.Language);
            Assert.Equal("إرسال", body.Text["send"]);
        }

        using (var config = new HttpRequestMessage(HttpMethod.Get, $"/chat/widgets/{widget.Key}/config?lang=it"))
        {
            config.Headers.Add("Origin", "https://evil.example");
            Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(config)).StatusCode);
        }

        // A widget turned off is gone for everyone.
        var off = await WidgetAsync(enabled: false);
        Assert.Equal(HttpStatusCode.NotFound, (await NegotiateAsync(off.Key, Shop)).StatusCode);
    }

    [Fact]
    public async Task A_visitor_who_leaves_an_address_gets_replies_by_email_and_the_chat_ends()
    {
        var mailbox = await SendingMailboxAsync();
        var widget = await WidgetAsync(mailboxId: mailbox.Id);
        var visitor = Visitor(widget.Key, lang: "en");
        await visitor.StartAsync();
        var started = await visitor.InvokeAsync<ChatState>("Start", new ChatStartRequest("Sam", null, "My invoice shows the wrong billing address, can you fix it?", null));

        var invalid = await Assert.ThrowsAsync<HubException>(() => visitor.InvokeAsync("ContinueByEmail", "not an address"));
        Assert.Contains("email", invalid.Message, StringComparison.OrdinalIgnoreCase);
        var address = $"{Api.Unique("sam")}@example.com";
        await visitor.InvokeAsync("ContinueByEmail", address);

        var ended = await Assert.ThrowsAsync<HubException>(() => visitor.InvokeAsync<ChatLine>("Send", "one more thing"));
        Assert.Contains("ended", ended.Message, StringComparison.OrdinalIgnoreCase);

        var agent = await App.AsFrontline();
        var chat = await agent.GetFromJsonAsync<ChatSessionDto>($"/api/v1/cases/{started.CaseId}/chat", Api.Json);
        Assert.True(chat!.ContinueByEmail);
        Assert.Equal(address, chat.VisitorEmail);
        Assert.NotNull(chat.EndedAt);
        // A typed address is a claim: it stays on the chat until the visitor answers our mail from it.
        Assert.Null(await App.WithServices(sp => sp.GetRequiredService<ICustomerDirectory>().FindByContactAsync(ContactKind.Email, address, default)));

        Assert.Equal(HttpStatusCode.Created, (await agent.PostAsJsonAsync($"/api/v1/cases/{started.CaseId}/replies", new { body = "Fixed: your next invoice will show the new address." }, Api.Json)).StatusCode);
        var outbound = await Db(db => db.Set<OutboundEmail>().AsNoTracking().SingleAsync(o => o.CaseId == started.CaseId));
        Assert.Equal(address, outbound.ToAddress);
        Assert.Equal(mailbox.Id, outbound.MailboxId);
        Assert.Contains($"[#{started.CaseId}]", outbound.Subject, StringComparison.Ordinal);
        var entries = await Db(db => db.Set<Message>().AsNoTracking().Where(m => m.CaseId == started.CaseId && m.Kind == MessageKind.System).Select(m => m.Body).ToListAsync());
        Assert.Contains(entries, e => e.Contains("Chat.ContinuesByEmail", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_visitor_who_gave_an_address_and_went_away_gets_the_reply_by_email_not_while_here()
    {
        var mailbox = await SendingMailboxAsync();
        var widget = await WidgetAsync(mailboxId: mailbox.Id);
        var address = $"{Api.Unique("lina")}@example.com";
        var visitor = Visitor(widget.Key, lang: "ar");
        await visitor.StartAsync();
        var started = await visitor.InvokeAsync<ChatState>("Start", new ChatStartRequest("لينا", address, "مرحبًا، لم يصل طلبي بعد وقد مر أسبوعان على الشراء.", null));
        Assert.Equal(address, started.Email);
        var @case = await Db(db => db.Set<Case>().AsNoTracking().FirstAsync(c => c.Id == started.CaseId));
        Assert.Equal("ar", @case.Language);

        var agent = await App.AsFrontline();
        await agent.PostAsJsonAsync($"/api/v1/cases/{started.CaseId}/replies", new { body = "مرحبًا لينا، نتحقق من الشحنة الآن." }, Api.Json);
        Assert.False(await Db(db => db.Set<OutboundEmail>().AnyAsync(o => o.CaseId == started.CaseId)));

        await visitor.StopAsync();
        for (var i = 0; i < 50 && (await agent.GetFromJsonAsync<ChatSessionDto>($"/api/v1/cases/{started.CaseId}/chat", Api.Json))!.Online; i++)
        {
            await Task.Delay(100);
        }

        await agent.PostAsJsonAsync($"/api/v1/cases/{started.CaseId}/replies", new { body = "وصلت الشحنة إلى مركز التوزيع." }, Api.Json);
        var outbound = await Db(db => db.Set<OutboundEmail>().AsNoTracking().SingleAsync(o => o.CaseId == started.CaseId));
        Assert.Equal(address, outbound.ToAddress);
        Assert.Equal(mailbox.Id, outbound.MailboxId);
        Assert.Equal("ar", outbound.Language);
    }

    [Fact]
    public async Task Bad_input_is_refused_with_a_sentence_and_stores_nothing()
    {
        var widget = await WidgetAsync();
        var visitor = Visitor(widget.Key, lang: "it");
        await visitor.StartAsync();
        var before = await Db(db => db.Set<ChatSession>().CountAsync(s => s.WidgetId == widget.Id));

        var notStarted = await Assert.ThrowsAsync<HubException>(() => visitor.InvokeAsync<ChatLine>("Send", "ciao"));
        Assert.Contains("Prima avvia la chat", notStarted.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<HubException>(() => visitor.InvokeAsync<ChatState>("Start", new ChatStartRequest(null, null, "   ", null)));
        await Assert.ThrowsAsync<HubException>(() => visitor.InvokeAsync<ChatState>("Start", new ChatStartRequest(null, null, new string('a', 4001), null)));
        await Assert.ThrowsAsync<HubException>(() => visitor.InvokeAsync<ChatState>("Start", new ChatStartRequest(null, "giulia@", "Ciao", null)));
        await Assert.ThrowsAsync<HubException>(() => visitor.InvokeAsync<ChatState>("Start", new ChatStartRequest("Giulia\u0007", null, "Ciao", null)));
        Assert.Equal(before, await Db(db => db.Set<ChatSession>().CountAsync(s => s.WidgetId == widget.Id)));

        // A page address that is not http(s) is simply not kept.
        var started = await visitor.InvokeAsync<ChatState>("Start", new ChatStartRequest(null, null, "Ciao, ho una domanda sulla garanzia del prodotto.", "javascript:alert(1)"));
        var session = await Db(db => db.Set<ChatSession>().AsNoTracking().SingleAsync(s => s.CaseId == started.CaseId));
        Assert.Null(session.PageUrl);
        await Assert.ThrowsAsync<HubException>(() => visitor.InvokeAsync<ChatState>("Start", new ChatStartRequest(null, null, "Ancora", null)));
        await Assert.ThrowsAsync<HubException>(() => visitor.InvokeAsync<ChatLine>("Send", ""));
    }

    [Fact]
    public async Task A_refused_visitor_line_is_no_error_in_the_log()
    {
        var errors = new ErrorRecorder();
        App.Services.GetRequiredService<ILoggerFactory>().AddProvider(errors);
        var widget = await WidgetAsync();
        var visitor = Visitor(widget.Key);
        await visitor.StartAsync();
        await visitor.InvokeAsync<ChatState>("Start", new ChatStartRequest(null, null, "Hello, I am typing very fast today.", null));
        var refused = 0;
        for (var i = 0; i < 40 && refused == 0; i++)
        {
            try
            {
                await visitor.InvokeAsync<ChatLine>("Send", $"fast line {i}");
            }
            catch (HubException)
            {
                refused++;
            }
        }

        errors.Stop();
        Assert.True(refused > 0, "The per-connection limit never refused a call");
        Assert.DoesNotContain(errors.Entries, e => e.Exception is HubException);
        await visitor.DisposeAsync();
    }

    /// <summary>Records what is logged at error level or above while a test runs.</summary>
    private sealed class ErrorRecorder : ILoggerProvider, ILogger
    {
        private volatile bool _stopped;

        public System.Collections.Concurrent.ConcurrentQueue<(string Message, Exception? Exception)> Entries { get; } = new();

        public void Stop() => _stopped = true;

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => !_stopped && logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                Entries.Enqueue((formatter(state, exception), exception));
            }
        }

        public void Dispose()
        {
        }
    }

    [Fact]
    public async Task A_connection_that_floods_is_slowed_down_and_what_it_was_refused_is_not_stored()
    {
        var widget = await WidgetAsync();
        var visitor = Visitor(widget.Key);
        await visitor.StartAsync();
        var started = await visitor.InvokeAsync<ChatState>("Start", new ChatStartRequest(null, null, "Hello, I need help with my order please.", null));
        var accepted = 0;
        var refused = 0;
        for (var i = 0; i < 40; i++)
        {
            try
            {
                await visitor.InvokeAsync<ChatLine>("Send", $"line {i}");
                accepted++;
            }
            catch (HubException ex)
            {
                Assert.Contains("too fast", ex.Message, StringComparison.Ordinal);
                refused++;
            }
        }

        Assert.True(refused > 0, "The per-connection limit never refused a call");

        // Another connection to the same chat does not get a fresh allowance for its lines.
        var second = Visitor(widget.Key);
        await second.StartAsync();
        Assert.NotNull(await second.InvokeAsync<ChatState?>("Resume", started.Token));
        var refusedToSecond = 0;
        for (var i = 0; i < 3; i++)
        {
            try
            {
                await second.InvokeAsync<ChatLine>("Send", $"again {i}");
                accepted++;
            }
            catch (HubException)
            {
                refusedToSecond++;
            }
        }

        Assert.True(refusedToSecond > 0, "A second connection to the chat got a fresh allowance");
        var stored = await Db(db => db.Set<Message>().CountAsync(m => m.CaseId == started.CaseId && m.Kind == MessageKind.Customer));
        Assert.Equal(accepted + 1, stored);

        // The allowance comes back as the (injected) clock moves: no waiting in real time.
        App.Clock.Advance(TimeSpan.FromSeconds(5));
        await visitor.InvokeAsync<ChatLine>("Send", "after a pause");
    }

    [Fact]
    public async Task An_address_typed_in_the_chat_never_opens_another_customers_record()
    {
        var agent = await App.AsFrontline();
        var address = $"{Api.Unique("victoria")}@example.com";
        var victim = await agent.CreateCustomerAsync(new { displayName = "Victoria Realname", emails = new[] { address } });
        var widget = await WidgetAsync();
        var visitor = Visitor(widget.Key);
        await visitor.StartAsync();

        var started = await visitor.InvokeAsync<ChatState>("Start", new ChatStartRequest("Mallory", address, "Hi, what address do you have on file for me?", null));
        Assert.DoesNotContain(started.Messages, m => m.Name.Contains("Victoria", StringComparison.Ordinal));
        var @case = await Db(db => db.Set<Case>().AsNoTracking().FirstAsync(c => c.Id == started.CaseId));
        Assert.NotEqual(victim.Id, @case.CustomerId);
        var entries = await Db(db => db.Set<Message>().AsNoTracking().Where(m => m.CaseId == started.CaseId && m.Kind == MessageKind.System).Select(m => m.Body).ToListAsync());
        Assert.Contains(entries, e => e.Contains("Chat.AddressOwned", StringComparison.Ordinal) && e.Contains("Victoria Realname", StringComparison.Ordinal));

        // Leaving another address does not hand it to anyone either.
        var other = $"{Api.Unique("mallory")}@example.net";
        await visitor.InvokeAsync("ContinueByEmail", other);
        Assert.Null(await App.WithServices(sp => sp.GetRequiredService<ICustomerDirectory>().FindByContactAsync(ContactKind.Email, other, default)));
        var owner = await App.WithServices(sp => sp.GetRequiredService<ICustomerDirectory>().FindByContactAsync(ContactKind.Email, address, default));
        Assert.Equal(victim.Id, owner!.Id);
    }

    [Fact]
    public async Task A_reply_after_the_visitor_ended_the_chat_goes_by_email_even_while_their_page_is_open()
    {
        var mailbox = await SendingMailboxAsync();
        var widget = await WidgetAsync(mailboxId: mailbox.Id);
        var address = $"{Api.Unique("ended")}@example.com";
        var visitor = Visitor(widget.Key);
        await visitor.StartAsync();
        var started = await visitor.InvokeAsync<ChatState>("Start", new ChatStartRequest(null, address, "Can I change the size of my order?", null));
        await visitor.InvokeAsync("End");

        var agent = await App.AsFrontline();
        var chat = await agent.GetFromJsonAsync<ChatSessionDto>($"/api/v1/cases/{started.CaseId}/chat", Api.Json);
        Assert.False(chat!.Online);
        Assert.NotNull(chat.EndedAt);
        await agent.PostAsJsonAsync($"/api/v1/cases/{started.CaseId}/replies", new { body = "Yes, until it ships tomorrow." }, Api.Json);
        var outbound = await Db(db => db.Set<OutboundEmail>().AsNoTracking().SingleAsync(o => o.CaseId == started.CaseId));
        Assert.Equal(address, outbound.ToAddress);

        // The same page can start a new chat at once.
        var next = await visitor.InvokeAsync<ChatState>("Start", new ChatStartRequest(null, null, "One more question about delivery times.", null));
        Assert.NotEqual(started.CaseId, next.CaseId);
    }

    [Fact]
    public async Task A_visitor_who_keeps_starting_chats_is_refused_while_others_behind_the_same_address_are_not()
    {
        await using var host = LimitedHost(perVisitor: 2);
        var widget = await WidgetAsync();
        var office = Api.Unique("visitor");
        await StartAsync(host, widget.Key, office);
        await StartAsync(host, widget.Key, office);

        var refused = await Assert.ThrowsAsync<HubException>(() => StartAsync(host, widget.Key, office, lang: "it"));
        Assert.Contains("Hai avviato diverse chat in poco tempo", refused.Message, StringComparison.Ordinal);

        // A colleague on the same network (the same address) is not held back by it.
        await StartAsync(host, widget.Key, office + "-colleague");

        // An hour later the first visitor may start again; the clock moved, nobody waited.
        App.Clock.Advance(TimeSpan.FromHours(1));
        await StartAsync(host, widget.Key, office);
    }

    [Fact]
    public async Task A_widget_takes_so_many_new_chats_a_minute_from_everyone_together()
    {
        await using var host = LimitedHost(perWidget: 3);
        var widget = await WidgetAsync();
        var other = await WidgetAsync();
        for (var i = 0; i < 3; i++)
        {
            await StartAsync(host, widget.Key, Api.Unique("flood"));
        }

        var refused = await Assert.ThrowsAsync<HubException>(() => StartAsync(host, widget.Key, Api.Unique("late")));
        Assert.Contains("Many people are starting a chat right now", refused.Message, StringComparison.Ordinal);
        var cases = await Db(db => db.Set<ChatSession>().CountAsync(s => s.WidgetId == widget.Id));
        Assert.Equal(3, cases);

        // Another widget is not affected, and the next minute the first takes chats again.
        await StartAsync(host, other.Key, Api.Unique("elsewhere"));
        App.Clock.Advance(TimeSpan.FromMinutes(1));
        await StartAsync(host, widget.Key, Api.Unique("later"));
    }

    [Fact]
    public async Task One_network_address_has_a_coarse_ceiling_on_new_chats_whatever_visitor_ids_it_sends()
    {
        await using var host = LimitedHost(perAddress: 3);
        var widget = await WidgetAsync();
        await StartAsync(host, widget.Key, Api.Unique("a"));
        await StartAsync(host, widget.Key, Api.Unique("b"));
        await StartAsync(host, widget.Key, visitorId: null);

        var refused = await Assert.ThrowsAsync<HubException>(() => StartAsync(host, widget.Key, Api.Unique("d")));
        Assert.Contains("Too many chats started from your connection", refused.Message, StringComparison.Ordinal);

        App.Clock.Advance(TimeSpan.FromHours(1));
        await StartAsync(host, widget.Key, Api.Unique("e"));
    }

    [Fact]
    public void A_chat_limit_below_one_stops_the_app_at_start_with_the_settings_name()
    {
        using var host = App.WithWebHostBuilder(builder => builder.UseSetting("Chat:StartsPerMinutePerWidget", "0"));
        var failure = Assert.ThrowsAny<Exception>(() => host.Server);
        Assert.Contains("Chat:StartsPerMinutePerWidget", failure.ToString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// The app on the same database with small start limits of its own (the shared host raises the address ceiling, since
    /// every test's visitor comes from the one test-server address), on the same fake clock.
    /// </summary>
    private WebApplicationFactory<Program> LimitedHost(int perVisitor = 1000, int perWidget = 1000, int perAddress = 1000) =>
        App.WithWebHostBuilder(builder => builder
            .UseSetting("Chat:StartsPerHourPerVisitor", perVisitor.ToString(CultureInfo.InvariantCulture))
            .UseSetting("Chat:StartsPerMinutePerWidget", perWidget.ToString(CultureInfo.InvariantCulture))
            .UseSetting("Chat:StartsPerHourPerAddress", perAddress.ToString(CultureInfo.InvariantCulture)));

    /// <summary>A new visitor connection that starts a chat, as the widget does (with the visitor id it keeps).</summary>
    private async Task<ChatState> StartAsync(WebApplicationFactory<Program> host, string key, string? visitorId, string lang = "en")
    {
        var visitor = Visitor(key, lang: lang, host: host);
        await visitor.StartAsync();
        return await visitor.InvokeAsync<ChatState>("Start", new ChatStartRequest(null, null, "Hello, is my parcel on its way?", null, visitorId));
    }

    [Fact]
    public async Task Admins_set_widgets_up_with_clean_origins_and_bad_input_changes_nothing()
    {
        var admin = await App.AsAdmin();
        var created = await admin.PostAsJsonAsync("/api/v1/chat/widgets", new ChatWidgetInput("Main site", ["HTTPS://WWW.Example.COM/", "https://www.example.com", "http://127.0.0.1:5000"], Greetings: new Dictionary<string, string> { ["it"] = "Ciao! Come possiamo aiutarti?" }), Api.Json);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var widget = (await created.Content.ReadFromJsonAsync<ChatWidgetDto>(Api.Json))!;
        Assert.Equal(["https://www.example.com", "http://127.0.0.1:5000"], widget.AllowedOrigins);
        Assert.True(widget.Key.Length >= 22);

        foreach (var bad in new[] { "javascript:alert(1)", "https://www.example.com/shop", "*.example.com", "ftp://files.example.com", "https://user@example.com", "example.com" })
        {
            var response = await admin.PutAsJsonAsync($"/api/v1/chat/widgets/{widget.Id}", new ChatWidgetInput("Main site", [bad]), Api.Json);
            await response.AssertRefusedAsync("allowedOrigins");
        }

        await (await admin.PostAsJsonAsync("/api/v1/chat/widgets", new ChatWidgetInput("", [Shop]), Api.Json)).AssertRefusedAsync("name");
        await (await admin.PostAsJsonAsync("/api/v1/chat/widgets", new ChatWidgetInput("X", [Shop], DepartmentId: Guid.NewGuid()), Api.Json)).AssertRefusedAsync("departmentId");
        await (await admin.PostAsJsonAsync("/api/v1/chat/widgets", new ChatWidgetInput("X", [Shop], MailboxId: Guid.NewGuid()), Api.Json)).AssertRefusedAsync("mailboxId");
        await (await admin.PostAsJsonAsync("/api/v1/chat/widgets", new ChatWidgetInput("X", [Shop], Greetings: new Dictionary<string, string> { ["fr"] = "Bonjour" }), Api.Json)).AssertRefusedAsync("greetings");
        var unchanged = await admin.GetFromJsonAsync<ChatWidgetDto>($"/api/v1/chat/widgets/{widget.Id}", Api.Json);
        Assert.Equal(widget.AllowedOrigins, unchanged!.AllowedOrigins);

        // The Italian greeting is the widget's own; other languages get the built-in one.
        var http = App.Anonymous();
        using var config = new HttpRequestMessage(HttpMethod.Get, $"/chat/widgets/{widget.Key}/config?lang=it");
        config.Headers.Add("Origin", "https://www.example.com");
        var body = await (await http.SendAsync(config)).Content.ReadFromJsonAsync<ChatWidgetConfig>(Api.Json);
        Assert.Equal("Ciao! Come possiamo aiutarti?", body!.Greeting);

        // A widget with chats can only be turned off; one without can be removed.
        var used = await WidgetAsync();
        var visitor = Visitor(used.Key);
        await visitor.StartAsync();
        await visitor.InvokeAsync<ChatState>("Start", new ChatStartRequest(null, null, "Hi, is the shop open on Sunday?", null));
        Assert.Equal(HttpStatusCode.Conflict, (await admin.DeleteAsync($"/api/v1/chat/widgets/{used.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/chat/widgets/{widget.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/chat/widgets/{widget.Id}")).StatusCode);
    }
}

/// <summary>
/// A chat that goes on by email, against real mail servers: the agent's reply reaches the address the visitor left,
/// and the visitor's answer from that address lands on the chat's case, which proves the address theirs.
/// </summary>
public abstract class ChatByEmailTests(RibaltaApp app, MailServers mail)
{
    [Fact]
    public async Task The_visitors_answer_by_email_lands_on_the_chat_and_proves_the_address_theirs()
    {
        var admin = await app.AsAdmin();
        var mailbox = await admin.CreateMailboxAsync(mail.MailboxOf("imap1", sending: true) with { PollSeconds = 3600 });
        var widget = await admin.CreateWidgetAsync(new ChatWidgetInput("Chat by mail", ["https://shop.example"], MailboxId: mailbox.Id));

        await using var visitor = app.ChatVisitor(widget.Key, "https://shop.example", "it", HttpTransportType.LongPolling);
        await visitor.StartAsync();
        var started = await visitor.InvokeAsync<ChatState>("Start", new ChatStartRequest("Paola", null, "Salve, vorrei sapere quando riaprite il negozio di via Roma.", null));
        var address = $"{Api.Unique("paola")}@example.it";
        await visitor.InvokeAsync("ContinueByEmail", address);

        var agent = await app.AsFrontline();
        await agent.PostAsJsonAsync($"/api/v1/cases/{started.CaseId}/replies", new { body = "Buongiorno Paola, riapriamo lunedì alle 9." }, Api.Json);
        var sent = Assert.Single(await mail.WaitForSentAsync(m => m.To.Mailboxes.Any(t => t.Address == address)));
        Assert.Contains($"[#{started.CaseId}]", sent.Subject, StringComparison.Ordinal);

        var answer = new MimeKit.MimeMessage();
        answer.From.Add(new MimeKit.MailboxAddress("Paola", address));
        answer.To.Add(MimeKit.MailboxAddress.Parse(mailbox.Address));
        answer.Subject = "Re: " + sent.Subject;
        answer.MessageId = $"{Guid.NewGuid():N}@example.it";
        answer.InReplyTo = sent.MessageId!;
        answer.References.Add(sent.MessageId!);
        answer.Body = new MimeKit.TextPart("plain") { Text = "Perfetto, grazie mille! Passerò lunedì mattina." };
        await mail.DeliverAsync("imap1", answer);
        await admin.PollAsync(mailbox.Id);

        var landed = await app.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Set<Message>().AsNoTracking()
            .Where(m => m.CaseId == started.CaseId && m.Channel == Channel.Email && m.Kind == MessageKind.Customer).ToListAsync());
        Assert.Contains(landed, m => m.Body.Contains("Passerò lunedì mattina", StringComparison.Ordinal));
        var @case = await app.WithServices(sp => sp.GetRequiredService<RibaltaDbContext>().Set<Case>().AsNoTracking().FirstAsync(c => c.Id == started.CaseId));
        var owner = await app.WithServices(sp => sp.GetRequiredService<ICustomerDirectory>().FindByContactAsync(ContactKind.Email, address, default));
        Assert.Equal(@case.CustomerId, owner!.Id);
    }
}

[Collection(SqliteCollection.Name)]
[Trait("Suite", "Sqlite")]
public sealed class ChatByEmailTestsOnSqlite(SqliteAppFixture fixture, MailServers mail) : ChatByEmailTests(fixture.App, mail), IClassFixture<MailServers>;

[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class ChatByEmailTestsOnPostgres(PostgresAppFixture fixture, MailServers mail) : ChatByEmailTests(fixture.App, mail), IClassFixture<MailServers>;

/// <summary>What the hub pushed to a visitor: all of it, and a queue to wait on.</summary>
internal sealed class PushedLines
{
    private readonly List<ChatLine> _all = [];

    public System.Threading.Channels.Channel<ChatLine> Pushed { get; } = System.Threading.Channels.Channel.CreateUnbounded<ChatLine>();

    public IReadOnlyList<ChatLine> All
    {
        get
        {
            lock (_all)
            {
                return _all.ToList();
            }
        }
    }

    public void Add(ChatLine line)
    {
        lock (_all)
        {
            _all.Add(line);
        }

        Pushed.Writer.TryWrite(line);
    }
}

[Collection(SqliteCollection.Name)]
[Trait("Suite", "Sqlite")]
public sealed class ChatTestsOnSqlite(SqliteAppFixture fixture) : ChatTests(fixture.App);

[Collection(PostgresCollection.Name)]
[Trait("Suite", "Postgres")]
public sealed class ChatTestsOnPostgres(PostgresAppFixture fixture) : ChatTests(fixture.App);
