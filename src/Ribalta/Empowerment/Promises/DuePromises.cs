using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Ribalta.Cases.Contracts;
using Ribalta.Customers.Contracts;
using Ribalta.Empowerment.Contracts.Events;
using Ribalta.Empowerment.Data;
using Ribalta.Platform.Data;
using Ribalta.Platform.Events;
using Ribalta.Platform.Localization;

namespace Ribalta.Empowerment.Promises;

/// <summary>
/// Promises whose due time passed while still open are broken: the breakdown event on the case, and the customer told
/// in their language without having to chase (the case then waits on us). <see cref="PromiseMonitor"/> runs it.
/// </summary>
internal sealed partial class DuePromises(
    RibaltaDbContext db,
    ICaseDirectory cases,
    ICaseConversation conversation,
    ICustomerDirectory customers,
    IStringLocalizer<Strings> localizer,
    IOptions<EmpowermentOptions> options,
    ILogger<DuePromises> logger,
    TimeProvider clock)
{
    public const int Batch = 100;

    /// <summary>
    /// Breaks the open promises whose due time has passed, one at a time, each in its own transaction: the breakdown
    /// event on the case, and the customer told in their language (the case then waits on us). Returns how many.
    /// </summary>
    public async Task<int> BreakAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var due = await db.Set<CustomerPromise>().AsNoTracking().Where(p => p.Status == PromiseStatus.Open && p.DueAt <= now)
            .OrderBy(p => p.DueAt).Select(p => p.Id).Take(Batch).ToListAsync(ct);
        var broken = 0;
        foreach (var id in due)
        {
            db.ChangeTracker.Clear();
            try
            {
                broken += await BreakOneAsync(id, now, ct) ? 1 : 0;
            }
            catch (DbUpdateConcurrencyException)
            {
                // Kept or released at this very moment: it was not broken.
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One that cannot be settled now (its case gone, a database hiccup) does not hold back the others.
                LogBreakFailed(logger, id, ex);
            }
        }

        return broken;
    }

    private async Task<bool> BreakOneAsync(long id, DateTimeOffset now, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var promise = await db.Set<CustomerPromise>().FirstOrDefaultAsync(p => p.Id == id && p.Status == PromiseStatus.Open, ct);
        if (promise is null)
        {
            return false;
        }

        promise.Status = PromiseStatus.Broken;
        promise.BrokenAt = now;
        promise.Version++;
        await db.SaveChangesAsync(ct);

        // Told before they have to chase: in their language, in the words we used, by their channel.
        var @case = await cases.FindAsync(promise.CaseId, ct);
        var told = false;
        if (@case is not null && @case.Status != CaseStatus.Closed)
        {
            var customer = await customers.FindAsync(promise.CustomerId, ct);
            var language = @case.Language ?? customer?.PreferredLanguage;
            var zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);
            var text = Platform.Mail.PublicSite.InLanguage(language, () => Platform.Mail.AutomaticMessage.Letter(localizer, customer?.DisplayName, localizer["Promise.Customer.Broken",
                TimeZoneInfo.ConvertTime(promise.MadeAt, zone).ToString("d", CultureInfo.CurrentCulture), promise.Words, promise.OwnerName].Value, promise.OwnerName));
            told = (await conversation.ReplyAsync(Actor.System, promise.CaseId, text, ct, CaseStatus.WaitingOnUs)).IsSuccess;
            if (told)
            {
                await db.Set<CustomerPromise>().Where(p => p.Id == id).ExecuteUpdateAsync(u => u.SetProperty(p => p.CustomerToldAt, now), ct);
            }
        }

        // The breakdown: a promise not kept, for the case, the owner's inbox and the analysis of causes to come.
        db.Append(
            clock,
            Actor.System,
            new PromiseBroken(promise.Id, promise.Kind, promise.OwnerId, promise.DueAt, CustomerTold: told),
            "case",
            promise.CaseId.ToString(CultureInfo.InvariantCulture),
            promise.CustomerId);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Breaking promise {PromiseId} failed; the next round tries again")]
    private static partial void LogBreakFailed(ILogger logger, long promiseId, Exception exception);
}
