using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Ribalta.Cases.Contracts;
using Ribalta.Empowerment.Contracts;
using Ribalta.Empowerment.Contracts.Events;
using Ribalta.Empowerment.Data;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;

namespace Ribalta.Empowerment.Promises;

/// <summary>
/// "Did you do what you said you would do?" Every commitment to a customer is a record with an owner and a due time;
/// kept, released with a reason, or broken at its due time (<see cref="DuePromises"/>); the keeping rate is
/// <see cref="PromiseReport"/>'s.
/// </summary>
internal sealed partial class PromiseLedger(
    RibaltaDbContext db,
    ICaseDirectory cases,
    ICaseConversation conversation,
    IOptions<EmpowermentOptions> options,
    TimeProvider clock)
{
    private static readonly string[] CaseWorkers = [StaffRoles.Frontline, StaffRoles.TeamLead, StaffRoles.Manager, StaffRoles.Department, StaffRoles.Admin];

    public async Task<Result<PromiseDto>> MakeAsync(Actor maker, long caseId, PromiseInput input, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var v = new ValidationBuilder().Required("words", input.Words, CustomerPromise.WordsMax).NoControlCharacters("words", input.Words);
        if (input.Kind is not { } kind || !Enum.IsDefined(kind))
        {
            v.Add("kind", "Validation.Required");
        }

        if (input.DueAt is not { } due)
        {
            v.Add("dueAt", "Validation.Required");
        }
        else if (due < now.AddMinutes(5) || due > now.AddDays(366))
        {
            v.Add("dueAt", "Validation.PromiseDue");
        }

        if (!Guid.TryParse(maker.Id, out var makerId))
        {
            return Error.Forbidden();
        }

        var ownerId = input.OwnerId ?? makerId;
        var owner = await db.Users.AsNoTracking()
            .Where(u => u.Id == ownerId && u.IsActive && (from userRole in db.UserRoles
                                                          join role in db.Roles on userRole.RoleId equals role.Id
                                                          where userRole.UserId == u.Id && CaseWorkers.Contains(role.Name!)
                                                          select 1).Any())
            .Select(u => new { u.DisplayName, u.DepartmentId }).FirstOrDefaultAsync(ct);
        if (owner is null)
        {
            v.Add("ownerId", "Validation.HelperUnknown");
        }

        if (input.DepartmentId is { } department && !await db.Set<Department>().AnyAsync(d => d.Id == department, ct))
        {
            v.Add("departmentId", "Validation.DepartmentUnknown");
        }

        if (v.ToError() is { } invalid)
        {
            return invalid;
        }

        var open = await cases.OpenCaseAsync(caseId, ct);
        if (!open.IsSuccess)
        {
            return open.Error!;
        }

        var @case = open.Value;

        if (input.MessageId is { } messageId && (await conversation.RecentRepliesAsync(caseId, 50, ct)).All(r => r.MessageId != messageId))
        {
            return Error.Validation("messageId", "Validation.PromiseMessage");
        }

        var promise = new CustomerPromise
        {
            CaseId = caseId,
            CustomerId = @case.CustomerId,
            CaseSubject = @case.Subject.Length > 300 ? @case.Subject[..300] : @case.Subject,
            Kind = input.Kind!.Value,
            Words = input.Words!.Trim(),
            MessageId = input.MessageId,
            OwnerId = ownerId,
            OwnerName = owner!.DisplayName,
            TeamId = owner.DepartmentId,
            DepartmentId = input.DepartmentId ?? owner.DepartmentId,
            MadeBy = makerId,
            MadeAt = now,
            DueAt = input.DueAt!.Value.ToUniversalTime(),
            Status = PromiseStatus.Open,
        };
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.Add(promise);
        await db.SaveChangesAsync(ct);
        Append(maker, promise, new PromiseMade(promise.Id, promise.Kind, promise.DueAt, ownerId));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return ToDto(promise);
    }

    /// <summary>
    /// Done: on time it is kept. After its due time it is broken (even if the clock's round had not come yet) and
    /// marked kept late. The owner, the person who made it, a lead or manager, or an integration may say so.
    /// </summary>
    public Task<Result<PromiseDto>> KeepAsync(Actor actor, PromiseAuthority authority, long id, CancellationToken ct) =>
        ChangeAsync(actor, authority, id, ct, promise =>
        {
            if (promise.KeptAt is not null || promise.Status == PromiseStatus.Released)
            {
                return Error.Conflict("Error.PromiseSettled");
            }

            var now = clock.GetUtcNow();
            promise.KeptAt = now;
            promise.KeptByName = actor.Name;
            if (promise.Status == PromiseStatus.Open && now > promise.DueAt)
            {
                promise.Status = PromiseStatus.Broken;
                promise.BrokenAt = now;
                Append(Actor.System, promise, new PromiseBroken(promise.Id, promise.Kind, promise.OwnerId, promise.DueAt, CustomerTold: false));
            }
            else if (promise.Status == PromiseStatus.Open)
            {
                promise.Status = PromiseStatus.Kept;
            }

            Append(actor, promise, new PromiseKept(promise.Id, promise.OwnerId, Late: now > promise.DueAt));
            return null;
        });

    /// <summary>No longer owed (the customer changed their mind, the case took another turn), with the reason.</summary>
    public Task<Result<PromiseDto>> ReleaseAsync(Actor actor, PromiseAuthority authority, long id, string? reason, CancellationToken ct)
    {
        var v = new ValidationBuilder().Required("reason", reason, 500).NoControlCharacters("reason", reason);
        return v.ToError() is { } invalid
            ? Task.FromResult<Result<PromiseDto>>(invalid)
            : ChangeAsync(actor, authority, id, ct, promise =>
            {
                if (promise.Status != PromiseStatus.Open || clock.GetUtcNow() > promise.DueAt)
                {
                    // Past its due time a promise is broken, whatever the clock's round says: too late to release.
                    return Error.Conflict("Error.PromiseSettled");
                }

                promise.Status = PromiseStatus.Released;
                promise.ReleaseReason = reason!.Trim();
                Append(actor, promise, new PromiseReleased(promise.Id, promise.OwnerId, promise.ReleaseReason));
                return null;
            });
    }

    private async Task<Result<PromiseDto>> ChangeAsync(Actor actor, PromiseAuthority authority, long id, CancellationToken ct, Func<CustomerPromise, Error?> change)
    {
        var promise = await db.Set<CustomerPromise>().FirstOrDefaultAsync(p => p.Id == id, ct);
        if (promise is null)
        {
            return Error.NotFound();
        }

        // Keeping or releasing a promise is a person's word to a customer, and what the promise-keeping rate measures
        // people on; an integration key, whatever its scopes, may read promises but never settle one (docs/api.md).
        if (actor.Kind == ActorKind.Integration)
        {
            return Error.Forbidden("Error.PromiseNeedsPerson");
        }

        var mine = promise.OwnerId.ToString() == actor.Id || promise.MadeBy.ToString() == actor.Id;
        var leads = authority == PromiseAuthority.LeadsTeam && promise.TeamId is { } team && Guid.TryParse(actor.Id, out var actorId)
            && await db.Users.AsNoTracking().AnyAsync(u => u.Id == actorId && u.DepartmentId == team, ct);
        if (!mine && !leads && authority != PromiseAuthority.EveryTeam)
        {
            return Error.Forbidden("Error.NotYourPromise");
        }

        if (change(promise) is { } refused)
        {
            return refused;
        }

        promise.Version++;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Kept, released or broken by someone (or the clock) at the same moment: say so, change nothing.
            return Error.Conflict("Error.PromiseSettled");
        }

        return ToDto(promise);
    }
    public async Task<IReadOnlyList<PromiseDto>> ForCaseAsync(long caseId, CancellationToken ct) =>
        (await db.Set<CustomerPromise>().AsNoTracking().Where(p => p.CaseId == caseId).OrderByDescending(p => p.Id).Take(100).ToListAsync(ct)).Select(ToDto).ToList();

    /// <summary>
    /// This person's promises: with <paramref name="open"/>, the ones still owed (open, or broken and not yet kept),
    /// soonest due first; else the latest settled.
    /// </summary>
    public async Task<IReadOnlyList<PromiseDto>> OwnedByAsync(Guid ownerId, bool open, CancellationToken ct)
    {
        var mine = db.Set<CustomerPromise>().AsNoTracking().Where(p => p.OwnerId == ownerId);
        var rows = open
            ? await mine.Where(p => p.Status == PromiseStatus.Open || (p.Status == PromiseStatus.Broken && p.KeptAt == null)).OrderBy(p => p.DueAt).Take(200).ToListAsync(ct)
            : await mine.Where(p => p.Status != PromiseStatus.Open && !(p.Status == PromiseStatus.Broken && p.KeptAt == null)).OrderByDescending(p => p.Id).Take(100).ToListAsync(ct);
        return rows.Select(ToDto).ToList();
    }

    /// <summary>For the inbox: what this person owes within the next hours, and what broke this past week and is not yet made good.</summary>
    public async Task<IReadOnlyList<PromiseDto>> DueSoonAsync(Guid ownerId, CancellationToken ct)
    {
        var until = clock.GetUtcNow().AddHours(options.Value.PromiseDueSoonHours);
        var recently = clock.GetUtcNow().AddDays(-7);
        return (await db.Set<CustomerPromise>().AsNoTracking()
            .Where(p => p.OwnerId == ownerId && ((p.Status == PromiseStatus.Open && p.DueAt <= until) || (p.Status == PromiseStatus.Broken && p.KeptAt == null && p.BrokenAt >= recently)))
            .OrderBy(p => p.DueAt).Take(20).ToListAsync(ct)).Select(ToDto).ToList();
    }

    /// <summary>The sentences of the latest replies on a case, to mark one as a promise.</summary>
    public async Task<IReadOnlyList<PromiseSentence>> SentencesAsync(long caseId, CancellationToken ct) =>
        (await conversation.RecentRepliesAsync(caseId, 3, ct))
            .SelectMany(r => PromiseGuess.Candidates(SentenceBreak().Split(r.Body).Select(s => s.Trim()).Where(s => s.Length > 0).ToList(), r.AuthorName)
                .Where(s => s.Length is >= 8 and <= CustomerPromise.WordsMax).Select(s => new PromiseSentence(r.MessageId, s, r.CreatedAt)))
            .Take(30).ToList();

    private void Append<TEvent>(Actor actor, CustomerPromise promise, TEvent data)
        where TEvent : class, IEvent =>
        db.Append(clock, actor, data, "case", promise.CaseId.ToString(CultureInfo.InvariantCulture), promise.CustomerId);

    private static PromiseDto ToDto(CustomerPromise p) => new(
        p.Id, p.CaseId, p.CaseSubject, p.Kind, p.Words, p.MessageId, p.OwnerId, p.OwnerName, p.DepartmentId, p.MadeAt, p.DueAt, p.Status, p.KeptAt, p.KeptByName,
        p.BrokenAt, p.CustomerToldAt, p.ReleaseReason);

    /// <summary>Sentence ends in the four languages (the Arabic question mark too), and line breaks.</summary>
    [GeneratedRegex(@"(?<=[.!?؟…])\s+|\n+")]
    private static partial Regex SentenceBreak();
}