using Ribalta.Channels.Contracts;
using System.Collections.Concurrent;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Search;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using Ribalta.Platform.Data;

namespace Ribalta.Channels.Email;

/// <summary>
/// Fetches customers' mail. Every mailbox is checked on its own task, so a slow or broken server delays only itself.
/// A message is marked seen (or deleted) on the server only after it is committed here; a crash in between means it
/// is fetched again and recognised by its Message-ID, so nothing is lost and nothing lands twice.
/// </summary>
internal sealed partial class MailboxPoller(
    IServiceScopeFactory scopes, IOptions<EmailOptions> options, Platform.Net.OutboundAddressGuard guard, TimeProvider clock, ILogger<MailboxPoller> logger) : BackgroundService
{
    private static readonly TimeSpan ConnectionTimeout = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<Guid, SemaphoreSlim> _gates = new();
    private readonly ConcurrentDictionary<Guid, Task> _running = new();

    // Checks in a row at which a mail (mailbox and SHA-256 of its bytes) failed to be stored; counted in memory, so a
    // restart gives each mail its tries again. Enough to stop one mail from failing at every check forever.
    private readonly ConcurrentDictionary<string, int> _failures = new();

    /// <summary>Checks one mailbox now (an admin's "check now"); waits for a check already under way to finish first.</summary>
    public async Task<PollResult?> PollNowAsync(Guid mailboxId, CancellationToken ct)
    {
        Mailbox? mailbox;
        using (var scope = scopes.CreateScope())
        {
            mailbox = await scope.ServiceProvider.GetRequiredService<RibaltaDbContext>().Set<Mailbox>().AsNoTracking().FirstOrDefaultAsync(m => m.Id == mailboxId, ct);
        }

        return mailbox is null ? null : await PollAsync(mailbox, ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await StartDueAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogTickFailed(ex);
            }

            try
            {
                await Task.Delay(options.Value.PollerTick, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await Task.WhenAll(_running.Values);
    }

    private async Task StartDueAsync(CancellationToken ct)
    {
        List<Mailbox> mailboxes;
        using (var scope = scopes.CreateScope())
        {
            mailboxes = await scope.ServiceProvider.GetRequiredService<RibaltaDbContext>().Set<Mailbox>().AsNoTracking().Where(m => m.Enabled).ToListAsync(ct);
        }

        var now = clock.GetUtcNow();
        foreach (var mailbox in mailboxes.Where(m => m.LastPolledAt is null || m.LastPolledAt.Value.AddSeconds(m.PollSeconds) <= now))
        {
            if (_running.ContainsKey(mailbox.Id))
            {
                continue;
            }

            var task = Task.Run(() => PollAsync(mailbox, ct), ct);
            _running[mailbox.Id] = task;
            _ = task.ContinueWith(_ => _running.TryRemove(mailbox.Id, out Task? _), TaskScheduler.Default);
        }
    }

    private async Task<PollResult> PollAsync(Mailbox mailbox, CancellationToken ct)
    {
        var gate = _gates.GetOrAdd(mailbox.Id, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromMinutes(10));
            var tally = new Tally();
            string? error = null;
            try
            {
                using var scope = scopes.CreateScope();
                var secrets = scope.ServiceProvider.GetRequiredService<MailboxService>();
                var password = secrets.Reveal(mailbox.ProtectedInboundPassword) ?? "";
                if (mailbox.InboundProtocol == MailProtocol.Imap)
                {
                    await FetchImapAsync(mailbox, password, tally, timeout.Token);
                }
                else
                {
                    await FetchPop3Async(mailbox, password, tally, timeout.Token);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                error = Describe(ex);
                LogPollFailed(mailbox.Address, error);
            }

            using (var scope = scopes.CreateScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<RibaltaDbContext>();
                var now = clock.GetUtcNow();
                var lastError = error ?? tally.LastError;
                await db.Set<Mailbox>().Where(m => m.Id == mailbox.Id)
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.LastPolledAt, now).SetProperty(m => m.LastError, lastError), CancellationToken.None);
            }

            return new PollResult(tally.Fetched, tally.Landed, tally.Duplicates, tally.Automatic, tally.TooLarge, tally.Failed, error, tally.SetAside);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task FetchImapAsync(Mailbox mailbox, string password, Tally tally, CancellationToken ct)
    {
        using var client = new ImapClient { Timeout = (int)ConnectionTimeout.TotalMilliseconds };
        await client.ConnectGuardedAsync(guard, mailbox.InboundHost, mailbox.InboundPort, Socket(mailbox.InboundSecurity), ct);
        await client.AuthenticateAsync(mailbox.InboundUser, password, ct);
        var folder = mailbox.Folder.Equals("INBOX", StringComparison.OrdinalIgnoreCase) ? client.Inbox : await client.GetFolderAsync(mailbox.Folder, ct);
        await folder.OpenAsync(FolderAccess.ReadWrite, ct);
        var uids = (await folder.SearchAsync(SearchQuery.NotSeen.And(SearchQuery.NotDeleted), ct)).Take(options.Value.MaxPerPoll).ToList();
        if (uids.Count > 0)
        {
            var summaries = await folder.FetchAsync(uids, MessageSummaryItems.UniqueId | MessageSummaryItems.Size, ct);
            var deleted = new List<UniqueId>();
            foreach (var summary in summaries.OrderBy(s => s.UniqueId))
            {
                tally.Fetched++;
                IntakeOutcome outcome;
                byte[]? raw = null;
                try
                {
                    if (summary.Size is { } size && size > options.Value.MaxMessageBytes)
                    {
                        var headers = await folder.GetHeadersAsync(summary.UniqueId, ct);
                        outcome = await LandAsync(intake => intake.LandTooLargeAsync(mailbox, headers, size, ct));
                    }
                    else
                    {
                        using var stream = await folder.GetStreamAsync(summary.UniqueId, ct);
                        using var copy = new MemoryStream();
                        await stream.CopyToAsync(copy, ct);
                        raw = copy.ToArray();
                        outcome = await LandAsync(intake => intake.LandAsync(mailbox, raw, ct));
                        Forget(mailbox, raw);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException && ex is not IOException && ex is not ImapProtocolException)
                {
                    // This message stays unseen and is tried again next time (the others go on), until it has failed
                    // too often: then it is set aside with the error, for an administrator.
                    LogMessageFailed(ex, mailbox.Address, summary.UniqueId.ToString());
                    if (await SetAsideFailingAsync(mailbox, raw, ex, ct) is not { } setAside)
                    {
                        tally.Fail(summary.UniqueId.ToString(), Describe(ex));
                        continue;
                    }

                    outcome = setAside;
                }

                tally.Count(outcome);
                // Committed: now the server may forget it. Mail too large to fetch is never deleted, only marked.
                await folder.AddFlagsAsync(summary.UniqueId, MessageFlags.Seen, silent: true, ct);
                // Mail too large to fetch is never deleted (also when seen again, recognised as stored).
                if (mailbox.AfterImport == AfterImport.Delete && outcome != IntakeOutcome.TooLarge && !(summary.Size > options.Value.MaxMessageBytes))
                {
                    deleted.Add(summary.UniqueId);
                }
            }

            if (deleted.Count > 0)
            {
                await folder.AddFlagsAsync(deleted, MessageFlags.Deleted, silent: true, ct);
                // Only ours: other messages someone flagged deleted in a shared mailbox stay until their owner expunges.
                if (client.Capabilities.HasFlag(ImapCapabilities.UidPlus))
                {
                    await folder.ExpungeAsync(deleted, ct);
                }
            }
        }

        await client.DisconnectAsync(quit: true, ct);
    }

    private async Task FetchPop3Async(Mailbox mailbox, string password, Tally tally, CancellationToken ct)
    {
        using var client = new Pop3Client { Timeout = (int)ConnectionTimeout.TotalMilliseconds };
        await client.ConnectGuardedAsync(guard, mailbox.InboundHost, mailbox.InboundPort, Socket(mailbox.InboundSecurity), ct);
        await client.AuthenticateAsync(mailbox.InboundUser, password, ct);
        var count = Math.Min(client.Count, options.Value.MaxPerPoll);
        var sizes = count > 0 ? await client.GetMessageSizesAsync(ct) : [];
        for (var i = 0; i < count; i++)
        {
            tally.Fetched++;
            IntakeOutcome outcome;
            byte[]? raw = null;
            try
            {
                if (sizes[i] > options.Value.MaxMessageBytes)
                {
                    var headers = await client.GetMessageHeadersAsync(i, ct);
                    outcome = await LandAsync(intake => intake.LandTooLargeAsync(mailbox, headers, sizes[i], ct));
                }
                else
                {
                    using var stream = await client.GetStreamAsync(i, false, ct);
                    using var copy = new MemoryStream();
                    await stream.CopyToAsync(copy, ct);
                    raw = copy.ToArray();
                    outcome = await LandAsync(intake => intake.LandAsync(mailbox, raw, ct));
                    Forget(mailbox, raw);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException && ex is not IOException && ex is not Pop3ProtocolException)
            {
                LogMessageFailed(ex, mailbox.Address, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (await SetAsideFailingAsync(mailbox, raw, ex, ct) is not { } setAside)
                {
                    tally.Fail(i.ToString(System.Globalization.CultureInfo.InvariantCulture), Describe(ex));
                    continue;
                }

                outcome = setAside;
            }

            tally.Count(outcome);
            // POP3 has no "seen": what is stored here is deleted there (at QUIT, so a broken session deletes nothing).
            // Mail too large to fetch stays on the server.
            if (outcome != IntakeOutcome.TooLarge && sizes[i] <= options.Value.MaxMessageBytes)
            {
                await client.DeleteMessageAsync(i, ct);
            }
        }

        await client.DisconnectAsync(quit: true, ct);
    }

    /// <summary>
    /// Counts one more failure of this mail; at <see cref="EmailOptions.SetAsideAfterFailures"/> it is set aside with the
    /// error and the outcome says so. Null while it still has tries left (or when even setting it aside fails).
    /// </summary>
    private async Task<IntakeOutcome?> SetAsideFailingAsync(Mailbox mailbox, byte[]? raw, Exception error, CancellationToken ct)
    {
        if (raw is null)
        {
            return null;
        }

        var key = FailureKey(mailbox, raw);
        if (_failures.AddOrUpdate(key, 1, (_, n) => n + 1) < options.Value.SetAsideAfterFailures)
        {
            return null;
        }

        try
        {
            var outcome = await LandAsync(intake => intake.SetAsideAsync(mailbox, raw, SetAsideReason.CouldNotStore, Describe(error.GetBaseException()), ct));
            _failures.TryRemove(key, out _);
            return outcome;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogMessageFailed(ex, mailbox.Address, "set aside");
            return null;
        }
    }

    private void Forget(Mailbox mailbox, byte[] raw)
    {
        if (!_failures.IsEmpty)
        {
            _failures.TryRemove(FailureKey(mailbox, raw), out _);
        }
    }

    private static string FailureKey(Mailbox mailbox, byte[] raw) => $"{mailbox.Id:N}:{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(raw))}";

    private async Task<IntakeOutcome> LandAsync(Func<EmailIntake, Task<IntakeOutcome>> land)
    {
        using var scope = scopes.CreateScope();
        return await land(scope.ServiceProvider.GetRequiredService<EmailIntake>());
    }

    public static SecureSocketOptions Socket(MailSecurity security) => security switch
    {
        MailSecurity.Tls => SecureSocketOptions.SslOnConnect,
        MailSecurity.StartTls => SecureSocketOptions.StartTls,
        _ => SecureSocketOptions.None,
    };

    /// <summary>A reason an admin can act on, without a stack trace.</summary>
    public static string Describe(Exception ex)
    {
        var message = ex switch
        {
            AuthenticationException => "Authentication failed: " + ex.Message,
            System.Net.Sockets.SocketException s => $"Cannot connect: {s.SocketErrorCode}",
            SslHandshakeException => "TLS handshake failed: " + ex.Message,
            // EF's own message ("An error occurred while saving the entity changes") says nothing; the database's does.
            Microsoft.EntityFrameworkCore.DbUpdateException => "Could not be stored: " + ex.GetBaseException().Message,
            _ => ex.Message,
        };
        return message.Length <= 500 ? message : message[..500];
    }

    private sealed class Tally
    {
        public int Fetched { get; set; }

        public int Landed { get; private set; }

        public int Duplicates { get; private set; }

        public int Automatic { get; private set; }

        public int TooLarge { get; private set; }

        public int SetAside { get; private set; }

        public int Failed { get; private set; }

        public string? LastError { get; private set; }

        public void Count(IntakeOutcome outcome)
        {
            switch (outcome)
            {
                case IntakeOutcome.Landed:
                    Landed++;
                    break;
                case IntakeOutcome.Duplicate:
                    Duplicates++;
                    break;
                case IntakeOutcome.TooLarge:
                    TooLarge++;
                    break;
                case IntakeOutcome.SetAside:
                    SetAside++;
                    break;
                default:
                    Automatic++;
                    break;
            }
        }

        public void Fail(string which, string reason)
        {
            Failed++;
            LastError = $"Message {which}: {reason}";
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking mailbox {Address} failed: {Reason}")]
    private partial void LogPollFailed(string address, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Mail {Which} in {Address} could not be stored; it stays on the server")]
    private partial void LogMessageFailed(Exception ex, string address, string which);

    [LoggerMessage(Level = LogLevel.Error, Message = "The mailbox poller's round failed")]
    private partial void LogTickFailed(Exception ex);
}
