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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking mailbox {Address} failed: {Reason}")]
    private partial void LogPollFailed(string address, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Mail {Which} in {Address} could not be stored; it stays on the server")]
    private partial void LogMessageFailed(Exception ex, string address, string which);

    [LoggerMessage(Level = LogLevel.Error, Message = "The mailbox poller's round failed")]
    private partial void LogTickFailed(Exception ex);
}
