using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Search;
using MailKit.Security;

namespace Ribalta.Channels.Email;

/// <summary>One check of one mailbox: connecting, fetching each unseen message, landing it, and telling the server.</summary>
internal sealed partial class MailboxPoller
{
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

    public static SecureSocketOptions Socket(MailSecurity security) => security switch
    {
        MailSecurity.Tls => SecureSocketOptions.SslOnConnect,
        MailSecurity.StartTls => SecureSocketOptions.StartTls,
        _ => SecureSocketOptions.None,
    };

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
}
