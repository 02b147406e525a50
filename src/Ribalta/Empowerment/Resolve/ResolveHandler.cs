using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Ribalta.Cases.Contracts;
using Ribalta.Customers.Contracts;
using Ribalta.Empowerment.Contracts;
using Ribalta.Empowerment.Contracts.Events;
using Ribalta.Empowerment.Data;
using Ribalta.Empowerment.Domain;
using Ribalta.Empowerment.Envelopes;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Localization;

namespace Ribalta.Empowerment.Resolve;

public sealed class EmpowermentOptions
{
    public const string Section = "Empowerment";

    /// <summary>The organisation's time zone (IANA), in which a monthly budget's month begins and ends.</summary>
    public string TimeZone { get; init; } = "UTC";

    /// <summary>Minutes a helper has to answer a decision (above the envelope, outside the catalogue): a customer may be waiting.</summary>
    public int HelpDecisionMinutes { get; init; } = 60;

    /// <summary>Minutes a helper has to answer a question.</summary>
    public int HelpQuestionMinutes { get; init; } = 240;

    /// <summary>
    /// An approved request that asked for at most this many times what the agent could grant alone "could have been
    /// inside a reasonable envelope" (the help report counts them).
    /// </summary>
    public decimal ReasonableReach { get; init; } = 1.5m;

    /// <summary>How many hours ahead a promise shows in its owner's inbox as due soon.</summary>
    public int PromiseDueSoonHours { get; init; } = 24;

    /// <summary>How often (seconds) the clock is checked for promises that fell due.</summary>
    public int PromiseCheckSeconds { get; init; } = 30;

    /// <summary>A grant at least this many times its team's median (same option and currency) is flagged to the team lead.</summary>
    public decimal NormFactor { get; init; } = 3m;

    /// <summary>How many team grants (over 90 days) a median needs before it counts as the team's norm.</summary>
    public int NormMinSample { get; init; } = 10;
}

/// <summary>One option in a resolution: an amount for money options, a quantity of days or items.</summary>
public sealed record ResolutionLineInput(Guid? OptionId, MoneyDto? Amount = null, int? Quantity = null);

public sealed record ResolutionRequest(IReadOnlyList<ResolutionLineInput>? Lines, string? Reason);

public sealed record GrantDto(long Id, Guid OptionId, string Option, MoneyDto? Amount, int Quantity, string Reason, Guid GrantedBy, string GrantedByName, DateTimeOffset GrantedAt, DateTimeOffset? ReversedAt, string? ReversalReason = null, long? HelpRequestId = null);

public sealed record GrantExportRow(
    long Id, DateTimeOffset GrantedAt, long CaseId, Guid CustomerId, string Option, string Kind, decimal? Amount, string? Currency, int Quantity,
    string GrantedBy, Guid GrantedById, string Reason, DateTimeOffset? ReversedAt, string? ReversalReason);

public sealed record ReverseRequest(string? Reason);

/// <summary>One option in one team: grants, times a limit stopped an agent (by limit), and the share of attempts that did.</summary>
public sealed record EnvelopeUsageRow(
    Guid OptionId, string Option, Guid? DepartmentId, string? Department, int Granted, int LimitReached, IReadOnlyDictionary<string, int> ByLimit, double ReachedShare);

/// <summary>
/// An approval on a help request: the agent who asked (and speaks to the customer), the request, and what marks it
/// answered inside the grant's transaction (an error stops the grant).
/// </summary>
internal sealed record Approval(Actor SpeaksAs, long HelpRequestId, Func<Guid, Task<Error?>> InTransaction);

public sealed record ResolutionDto(Guid ResolutionId, long CaseId, long MessageId, IReadOnlyList<GrantDto> Grants);

/// <summary>An option as the Resolve panel shows it: what is left of it for this agent and this customer.</summary>
public sealed record ResolveOptionDto(Guid OptionId, string Name, ResolutionKind Kind, OptionMeasure Measure, IReadOnlyList<HeadroomDto> Currencies, int? MaxQuantity, int? GrantsLeft);

public sealed record HeadroomDto(string Currency, MoneyDto? MostNow, MoneyDto? PerGrant, MoneyDto? CustomerLeft, MoneyDto? BudgetLeft);

/// <summary>
/// The agent resolves the customer's problem on the spot: the options their envelope allows, with what is left; a
/// resolution within it is granted at once (the grants, a message to the customer in their language, the event) in one
/// transaction; above it, nothing is granted and the answer says which limit, so the agent can ask for help.
/// </summary>
internal sealed class ResolveHandler(
    RibaltaDbContext db,
    EnvelopeRules rules,
    ICaseDirectory cases,
    ICaseConversation conversation,
    ICustomerDirectory customers,
    IStringLocalizer<Strings> localizer,
    Microsoft.Extensions.Options.IOptions<EmpowermentOptions> options,
    GrantNorms norms,
    TimeProvider clock)
{
    private const int Attempts = 5;
    public const int ReasonMax = 500;

    private TimeZoneInfo? _zone;

    private TimeZoneInfo Zone => _zone ??= TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);

    public async Task<Result<IReadOnlyList<ResolveOptionDto>>> OptionsAsync(Actor agent, long caseId, CancellationToken ct)
    {
        if (await cases.FindAsync(caseId, ct) is not { } @case || !Guid.TryParse(agent.Id, out var agentId))
        {
            return Error.NotFound();
        }

        var envelope = await rules.ForAsync(agentId, @case.CustomerId, ct);
        var optionIds = envelope.Keys.ToList();
        var catalogue = await db.Set<ResolutionOption>().AsNoTracking().Where(o => o.Active && optionIds.Contains(o.Id)).OrderBy(o => o.CreatedAt).ToListAsync(ct);
        var prior = await PriorAsync(@case.CustomerId, agentId, ct);
        var now = clock.GetUtcNow();
        var language = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName;
        return catalogue.Select(option =>
        {
            var terms = envelope[option.Id];
            var currencies = terms.PerGrant.Concat(terms.PerCustomer).Concat(terms.MonthlyBudget).Select(m => m.Currency).Distinct()
                .Select(c => EnvelopeEvaluator.HeadroomOf(option.Id, terms, c, prior, @case.CustomerId, agentId, now, Zone))
                .Select(h => new HeadroomDto(h.Currency!.Value.Code, Dto(h.MostNow), Dto(h.PerGrant), Dto(h.CustomerLeft), Dto(h.BudgetLeft)))
                .ToList();
            var counts = EnvelopeEvaluator.HeadroomOf(option.Id, terms, null, prior, @case.CustomerId, agentId, now, Zone);
            return new ResolveOptionDto(option.Id, option.NameIn(language), option.Kind, option.Measure, currencies, counts.MaxQuantity, counts.GrantsLeft);
        }).ToList();
    }

    public async Task<Result<ResolutionDto>> GrantAsync(Actor agent, long caseId, ResolutionRequest request, CancellationToken ct)
    {
        var v = new ValidationBuilder().Required("reason", request.Reason, ReasonMax).NoControlCharacters("reason", request.Reason);
        var lines = request.Lines ?? [];
        if (lines.Count is 0 or > 10)
        {
            v.Add("lines", "Validation.ResolutionLines", 10);
        }

        if (v.ToError() is { } shapeInvalid)
        {
            return shapeInvalid;
        }

        var open = await cases.OpenCaseAsync(caseId, ct);
        if (!open.IsSuccess || !Guid.TryParse(agent.Id, out _))
        {
            return open.Error ?? Error.NotFound();
        }

        var @case = open.Value;
        var asked = await ReadLinesAsync(v, "lines", lines, ct);
        return v.ToError() is { } invalid ? invalid : await GrantLinesAsync(agent, @case, asked, request.Reason!.Trim(), null, ct);
    }

    /// <summary>
    /// A helper approves what an agent asked for: granted through the same ledger, under the helper's own envelope
    /// (their limits and budget), told to the customer by the agent who keeps the case. <paramref name="approval"/>
    /// marks the request answered in the grant's transaction (an error from it undoes everything).
    /// </summary>
    internal async Task<Result<ResolutionDto>> ApproveAsync(Actor helper, CaseRef @case, IReadOnlyList<ResolutionLineInput> lines, string reason, Approval approval, CancellationToken ct)
    {
        var v = new ValidationBuilder();
        var asked = await ReadLinesAsync(v, "lines", lines, ct);
        if (v.ToError() is { } invalid)
        {
            return invalid;
        }

        return @case.Status == CaseStatus.Closed
            ? Error.Conflict("Error.CaseClosed")
            : await GrantLinesAsync(helper, @case, asked, Shorten(reason), approval, ct);
    }

    /// <summary>At most <see cref="ReasonMax"/> characters, cut between whole characters (never inside a surrogate pair).</summary>
    private static string Shorten(string reason)
    {
        if (reason.Length <= ReasonMax)
        {
            return reason;
        }

        var cut = ReasonMax - 1;
        if (char.IsHighSurrogate(reason[cut - 1]))
        {
            cut--;
        }

        return reason[..cut] + "…";
    }

    /// <summary>Options and amounts as asked, checked against the catalogue; problems go to <paramref name="v"/> under <paramref name="field"/>.</summary>
    internal async Task<List<(GrantLine Line, ResolutionOption Option)>> ReadLinesAsync(ValidationBuilder v, string field, IReadOnlyList<ResolutionLineInput?> lines, CancellationToken ct)
    {
        var optionIds = lines.Where(l => l?.OptionId is not null).Select(l => l!.OptionId!.Value).Distinct().ToList();
        var catalogue = await db.Set<ResolutionOption>().AsNoTracking().Where(o => optionIds.Contains(o.Id) && o.Active).ToDictionaryAsync(o => o.Id, ct);
        var asked = new List<(GrantLine Line, ResolutionOption Option)>();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line?.OptionId is not { } id || !catalogue.TryGetValue(id, out var option))
            {
                v.Add($"{field}[{i}].optionId", "Validation.OptionUnknown");
                continue;
            }

            if (lines.Take(i).Any(l => l?.OptionId == id))
            {
                // One grant per option in a resolution: what the limits count is what is written.
                v.Add($"{field}[{i}].optionId", "Validation.OptionTwice");
                continue;
            }

            if (option.Measure == OptionMeasure.Money)
            {
                var money = Money.Create(line.Amount?.Amount, line.Amount?.Currency, $"{field}[{i}].amount");
                if (!money.IsSuccess)
                {
                    v.Include(money.Error);
                }
                else if (money.Value.Amount == 0)
                {
                    v.Add($"{field}[{i}].amount.amount", "Validation.AmountZero");
                }
                else
                {
                    asked.Add((new GrantLine(id, option.Measure, money.Value), option));
                }
            }
            else
            {
                var quantity = option.Measure == OptionMeasure.Exception ? 1 : line.Quantity ?? 0;
                if (quantity is < 1 or > 3650)
                {
                    v.Add($"{field}[{i}].quantity", "Validation.Range", 1, 3650);
                }
                else
                {
                    asked.Add((new GrantLine(id, option.Measure, null, quantity), option));
                }
            }
        }

        return asked;
    }

    /// <summary>
    /// How far past this agent's envelope a proposal goes now: the largest asked ÷ allowed over its lines (below 1 it
    /// fits). Null when some line has no room at all (not in the envelope, nothing left).
    /// </summary>
    internal async Task<decimal?> ReachAsync(Guid agentId, CaseRef @case, IReadOnlyList<(GrantLine Line, ResolutionOption Option)> asked, CancellationToken ct)
    {
        var envelope = await rules.ForAsync(agentId, @case.CustomerId, ct);
        var prior = await PriorAsync(@case.CustomerId, agentId, ct);
        var now = clock.GetUtcNow();
        var reach = 0m;
        foreach (var (line, _) in asked)
        {
            if (!envelope.TryGetValue(line.OptionId, out var terms))
            {
                return null;
            }

            var room = EnvelopeEvaluator.HeadroomOf(line.OptionId, terms, line.Amount?.Currency, prior, @case.CustomerId, agentId, now, Zone);
            decimal? allowed = line.Amount is null ? room.GrantsLeft is 0 ? 0 : room.MaxQuantity ?? decimal.MaxValue : room.MostNow?.Amount;
            if (allowed is not > 0)
            {
                return null;
            }

            reach = Math.Max(reach, (line.Amount?.Amount ?? line.Quantity) / allowed.Value);
        }

        return Math.Round(reach, 4);
    }

    private async Task<Result<ResolutionDto>> GrantLinesAsync(
        Actor authority, CaseRef @case, List<(GrantLine Line, ResolutionOption Option)> asked, string reason, Approval? approval, CancellationToken ct)
    {
        var authorityId = Guid.Parse(authority.Id!);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var (result, refused) = await GrantOnceAsync(authority, authorityId, @case, asked, reason, approval, ct);
                if (refused is not null)
                {
                    await RecordRefusalAsync(authorityId, @case.Id, refused, ct);
                }

                return result;
            }
            catch (DbUpdateException ex) when (ex is DbUpdateConcurrencyException || DbErrors.IsUniqueViolation(ex))
            {
                // Someone granted to this customer (or this agent in another tab) meanwhile: decide again on fresh history.
                db.ChangeTracker.Clear();
                if (attempt >= Attempts)
                {
                    return Error.Conflict("Error.TryAgain");
                }

                await Task.Delay(Random.Shared.Next(2, 20 * attempt), ct);
            }
        }
    }

    private async Task<(Result<ResolutionDto> Result, EnvelopeDecision? Refused)> GrantOnceAsync(
        Actor authority, Guid authorityId, CaseRef @case, List<(GrantLine Line, ResolutionOption Option)> asked, string reason, Approval? approval, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);

        // The ledgers first: what this transaction read is what it writes against, or it does not commit.
        var ledgers = await TouchLedgersAsync([$"customer:{@case.CustomerId:N}", $"agent:{authorityId:N}"], ct);
        var prior = await PriorAsync(@case.CustomerId, authorityId, ct, keep: true);
        var envelope = await rules.ForAsync(authorityId, @case.CustomerId, ct);
        var now = clock.GetUtcNow();
        var decision = EnvelopeEvaluator.Evaluate(envelope, asked.Select(a => a.Line).ToList(), prior, @case.CustomerId, authorityId, now, Zone);
        if (!decision.Allowed)
        {
            db.ChangeTracker.Clear();
            return (OutsideEnvelope(decision, asked), decision);
        }

        var resolutionId = Guid.CreateVersion7();
        var grants = asked.Select(a => new Grant
        {
            ResolutionId = resolutionId,
            CaseId = @case.Id,
            CustomerId = @case.CustomerId,
            OptionId = a.Line.OptionId,
            Amount = a.Line.Amount?.Amount,
            Currency = a.Line.Amount?.Currency.Code,
            Quantity = a.Line.Quantity,
            Reason = reason,
            GrantedBy = authorityId,
            GrantedByName = authority.Name,
            GrantedAt = now,
            HelpRequestId = approval?.HelpRequestId,
        }).ToList();
        db.AddRange(grants);
        foreach (var spent in asked.Where(a => a.Line.Amount is not null).GroupBy(a => (a.Line.OptionId, a.Line.Amount!.Value.Currency)))
        {
            await AddToTotalAsync(authorityId, spent.Key.OptionId, spent.Select(a => a.Line.Amount!.Value).Aggregate((x, y) => x + y), now, +1, ct);
        }

        var granted = new ResolutionGranted(
            resolutionId,
            reason,
            approval?.HelpRequestId,
            approval?.SpeaksAs.Name,
            asked.Select(a => new GrantedLine(a.Option.NameIn("en"), a.Option.Kind, a.Line.Amount?.ToString(), a.Line.Quantity)).ToList());
        db.Append(clock, authority, granted, "case", @case.Id.ToString(CultureInfo.InvariantCulture), @case.CustomerId);
        foreach (var ledger in ledgers)
        {
            ledger.Version++;
        }

        if (approval is not null && await approval.InTransaction(resolutionId) is { } refusedApproval)
        {
            db.ChangeTracker.Clear();
            return (refusedApproval, null);
        }

        await db.SaveChangesAsync(ct);

        // Far above the team's usual grant: flagged to the lead for a conversation, in this transaction; never refused.
        await norms.FlagAsync(authority, grants, ct);
        await db.SaveChangesAsync(ct);

        // The customer hears it at once, in their language, by their channel, signed by the person who has their case.
        // Ribalta wrote it, on behalf of whoever decided (the approver, when a lead approved): that is what the record says.
        var customer = await customers.FindAsync(@case.CustomerId, ct);
        var language = @case.Language ?? customer?.PreferredLanguage;
        var signer = (approval?.SpeaksAs ?? authority).Name;
        var message = Platform.Mail.PublicSite.InLanguage(language, () => Platform.Mail.AutomaticMessage.Letter(
            localizer, customer?.DisplayName, string.Join("\n", asked.Select(a => Sentence(a.Option, a.Line, language))), signer));
        var written = await conversation.ReplyAsync(new Actor(ActorKind.System, authority.Id, authority.Name), @case.Id, message, ct);
        if (!written.IsSuccess)
        {
            db.ChangeTracker.Clear();
            return (written.Error!, null);
        }

        await transaction.CommitAsync(ct);
        return (new ResolutionDto(resolutionId, @case.Id, written.Value, grants.Select(g => ToDto(g, asked.First(a => a.Option.Id == g.OptionId).Option)).ToList()), null);
    }

    /// <summary>After the refused transaction is gone: one row per limit reached, for the usage report.</summary>
    private async Task RecordRefusalAsync(Guid agentId, long caseId, EnvelopeDecision decision, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var department = await db.TeamOfAsync(agentId, ct);
        var now = clock.GetUtcNow();
        db.AddRange(decision.Reached.Select(r => new EnvelopeRefusal { OptionId = r.OptionId, Limit = r.Limit, StaffId = agentId, DepartmentId = department, CaseId = caseId, At = now }));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Per option and team over [from, to): how often it was granted and how often a limit stopped an agent, by limit.
    /// A high share of limits reached says the envelope is too small: a system problem for its owners, not the agents'.
    /// </summary>
    public async Task<IReadOnlyList<EnvelopeUsageRow>> UsageAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var grants = await db.Set<Grant>().AsNoTracking().Where(g => g.GrantedAt >= from && g.GrantedAt < to)
            .Join(db.Users, g => g.GrantedBy, u => u.Id, (g, u) => new { g.OptionId, u.DepartmentId })
            .GroupBy(g => new { g.OptionId, g.DepartmentId }).Select(g => new { g.Key.OptionId, g.Key.DepartmentId, Count = g.Count() }).ToListAsync(ct);
        var refusals = await db.Set<EnvelopeRefusal>().AsNoTracking().Where(r => r.At >= from && r.At < to)
            .GroupBy(r => new { r.OptionId, r.DepartmentId, r.Limit }).Select(g => new { g.Key.OptionId, g.Key.DepartmentId, g.Key.Limit, Count = g.Count() }).ToListAsync(ct);
        var names = await db.Set<ResolutionOption>().AsNoTracking().ToDictionaryAsync(o => o.Id, ct);
        var departments = await db.Set<Platform.Identity.Department>().AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Name, ct);
        var language = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName;
        return grants.Select(g => (g.OptionId, g.DepartmentId)).Concat(refusals.Select(r => (r.OptionId, r.DepartmentId))).Distinct()
            .Where(key => names.ContainsKey(key.OptionId))
            .Select(key =>
            {
                var granted = grants.Where(g => g.OptionId == key.OptionId && g.DepartmentId == key.DepartmentId).Sum(g => g.Count);
                var byLimit = refusals.Where(r => r.OptionId == key.OptionId && r.DepartmentId == key.DepartmentId)
                    .ToDictionary(r => r.Limit.ToString(), r => r.Count);
                // "Not in the envelope" and "another currency" are kept by limit but are not the envelope being too small.
                var reached = byLimit.Where(b => b.Key is not (nameof(EnvelopeLimit.NotInEnvelope) or nameof(EnvelopeLimit.Currency))).Sum(b => b.Value);
                return new EnvelopeUsageRow(key.OptionId, names[key.OptionId].NameIn(language), key.DepartmentId,
                    key.DepartmentId is { } d ? departments.GetValueOrDefault(d) : null, granted, reached, byLimit,
                    granted + reached == 0 ? 0 : Math.Round((double)reached / (granted + reached), 3));
            })
            .OrderByDescending(r => r.ReachedShare).ThenByDescending(r => r.LimitReached).ToList();
    }

    /// <summary>
    /// A manager takes a grant back, with a reason: it stays on record (who, when, why), no longer counts against any
    /// limit, and the event says so. A grant is reversed once.
    /// </summary>
    public async Task<Result<GrantDto>> ReverseAsync(Actor manager, long grantId, string? reason, CancellationToken ct)
    {
        var v = new ValidationBuilder().Required("reason", reason, ReasonMax).NoControlCharacters("reason", reason);
        if (v.ToError() is { } invalid)
        {
            return invalid;
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ReverseOnceAsync(manager, grantId, reason!.Trim(), ct);
            }
            catch (DbUpdateException ex) when (ex is DbUpdateConcurrencyException || DbErrors.IsUniqueViolation(ex))
            {
                // A grant or another reversal of the same person's committed meanwhile: look again (then it may be reversed already).
                db.ChangeTracker.Clear();
                if (attempt >= Attempts)
                {
                    return Error.Conflict("Error.TryAgain");
                }

                await Task.Delay(Random.Shared.Next(2, 20 * attempt), ct);
            }
        }
    }

    private async Task<Result<GrantDto>> ReverseOnceAsync(Actor manager, long grantId, string reason, CancellationToken ct)
    {
        var grant = await db.Set<Grant>().AsNoTracking().FirstOrDefaultAsync(g => g.Id == grantId, ct);
        if (grant is null || !Guid.TryParse(manager.Id, out var managerId))
        {
            return Error.NotFound();
        }

        if (grant.GrantedBy == managerId)
        {
            // Taking back one's own grant would give one's own budget back: another lead or manager does it.
            return Error.Forbidden("Error.ReverseOwnGrant");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);

        // The granter's version row orders this against their grants, so their month's total is never overwritten.
        var ledgers = await TouchLedgersAsync([$"agent:{grant.GrantedBy:N}"], ct);
        var now = clock.GetUtcNow();
        var taken = await db.Set<Grant>().Where(g => g.Id == grantId && g.ReversedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(g => g.ReversedAt, now).SetProperty(g => g.ReversedBy, managerId).SetProperty(g => g.ReversalReason, reason), ct);
        if (taken == 0)
        {
            return Error.Conflict("Error.GrantReversed");
        }

        if (grant.Money is { } amount)
        {
            await AddToTotalAsync(grant.GrantedBy, grant.OptionId, amount, grant.GrantedAt, -1, ct);
        }

        foreach (var ledger in ledgers)
        {
            ledger.Version++;
        }

        db.Append(
            clock,
            manager,
            new GrantReversed(grant.Id, grant.Money?.ToString(), grant.Quantity, grant.GrantedByName, reason),
            "case",
            grant.CaseId.ToString(CultureInfo.InvariantCulture),
            grant.CustomerId);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        var option = await db.Set<ResolutionOption>().AsNoTracking().FirstAsync(o => o.Id == grant.OptionId, ct);
        var reversed = await db.Set<Grant>().AsNoTracking().FirstAsync(g => g.Id == grantId, ct);
        return ToDto(reversed, option);
    }

    /// <summary>Every grant granted in [from, to), oldest first, read as it is written out (a year of grants is never held in memory).</summary>
    public async IAsyncEnumerable<GrantExportRow> ExportAsync(DateTimeOffset from, DateTimeOffset to, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var rows = db.Set<Grant>().AsNoTracking().Where(g => g.GrantedAt >= from && g.GrantedAt < to).OrderBy(g => g.Id)
            .Join(db.Set<ResolutionOption>(), g => g.OptionId, o => o.Id, (g, o) => new { Grant = g, Option = o })
            .AsAsyncEnumerable().WithCancellation(ct);
        await foreach (var r in rows)
        {
            yield return new GrantExportRow(
                r.Grant.Id, r.Grant.GrantedAt, r.Grant.CaseId, r.Grant.CustomerId, r.Option.NameIn("en"), r.Option.Kind.ToString(), r.Grant.Amount, r.Grant.Currency,
                r.Grant.Quantity, r.Grant.GrantedByName, r.Grant.GrantedBy, r.Grant.Reason, r.Grant.ReversedAt, r.Grant.ReversalReason);
        }
    }

    /// <summary>The grants of a case, newest first.</summary>
    public async Task<IReadOnlyList<GrantDto>> ForCaseAsync(long caseId, CancellationToken ct)
    {
        var grants = await db.Set<Grant>().AsNoTracking().Where(g => g.CaseId == caseId).OrderByDescending(g => g.Id).Take(200).ToListAsync(ct);
        var ids = grants.Select(g => g.OptionId).Distinct().ToList();
        var catalogue = await db.Set<ResolutionOption>().AsNoTracking().Where(o => ids.Contains(o.Id)).ToDictionaryAsync(o => o.Id, ct);
        return grants.Select(g => ToDto(g, catalogue[g.OptionId])).ToList();
    }

    private string Sentence(ResolutionOption option, GrantLine line, string? language)
    {
        var culture = CultureInfo.CurrentUICulture;
        var amount = line.Amount?.Format(culture) ?? "";
        return option.Kind switch
        {
            ResolutionKind.Refund => localizer["Resolution.Customer.Refund", amount],
            ResolutionKind.Credit => localizer["Resolution.Customer.Credit", amount],
            ResolutionKind.FeeWaiver => localizer["Resolution.Customer.FeeWaiver", amount],
            ResolutionKind.Replacement => localizer["Resolution.Customer.Replacement", line.Quantity],
            ResolutionKind.Extension => localizer["Resolution.Customer.Extension", line.Quantity],
            ResolutionKind.Upgrade => localizer["Resolution.Customer.Upgrade", option.NameIn(language)],
            ResolutionKind.PolicyException => localizer["Resolution.Customer.Exception", option.NameIn(language)],
            _ => line.Amount is null ? localizer["Resolution.Customer.Other", option.NameIn(language)] : localizer["Resolution.Customer.OtherAmount", option.NameIn(language), amount],
        };
    }

    private static Error OutsideEnvelope(EnvelopeDecision decision, List<(GrantLine Line, ResolutionOption Option)> asked)
    {
        var fields = decision.Reached.Select(r =>
        {
            var index = asked.FindIndex(a => a.Line.OptionId == r.OptionId);
            var name = asked.FirstOrDefault(a => a.Line.OptionId == r.OptionId).Option?.NameIn(CultureInfo.CurrentUICulture.TwoLetterISOLanguageName) ?? "";
            object[] args = [name, r.LimitAmount?.Format(CultureInfo.CurrentCulture) ?? r.LimitCount?.ToString(CultureInfo.CurrentCulture) ?? "", r.Left?.Format(CultureInfo.CurrentCulture) ?? r.CountLeft?.ToString(CultureInfo.CurrentCulture) ?? ""];
            return new FieldError($"lines[{Math.Max(0, index)}]", $"Envelope.{r.Limit}", args);
        }).ToList();
        return new Error(ErrorKind.Validation, "Error.OutsideEnvelope", [], fields);
    }

    /// <summary>
    /// What counts now: the customer's grants (for the per-customer limits; ten years is the longest look-back) and, for
    /// the monthly budgets, this person's running totals of the month, one row per option and currency.
    /// </summary>
    private async Task<List<PriorGrant>> PriorAsync(Guid customerId, Guid agentId, CancellationToken ct, bool keep = false)
    {
        var now = clock.GetUtcNow();
        var since = now.AddDays(-3650);
        var customerRows = await db.Set<Grant>().AsNoTracking()
            .Where(g => g.ReversedAt == null && g.CustomerId == customerId && g.GrantedAt > since)
            .Select(g => new { g.OptionId, g.Amount, g.Currency, g.Quantity, g.GrantedAt })
            .ToListAsync(ct);
        var month = MonthOf(now);
        var monthStart = EnvelopeEvaluator.MonthStart(now, Zone);
        var totals = await db.Set<EnvelopeTotal>().Where(t => t.StaffId == agentId && t.Month == month).ToListAsync(ct);
        if (totals.Count == 0)
        {
            // No running total yet this month (a new month, or grants made before totals were kept): counted once from
            // the grants, and kept from now on when this is a grant's transaction.
            var spent = await db.Set<Grant>().AsNoTracking()
                .Where(g => g.GrantedBy == agentId && g.GrantedAt >= monthStart && g.ReversedAt == null && g.Amount != null)
                .Select(g => new { g.OptionId, g.Amount, g.Currency }).ToListAsync(ct);
            totals = spent.GroupBy(g => (g.OptionId, g.Currency!))
                .Select(g => new EnvelopeTotal
                {
                    Key = EnvelopeTotal.KeyOf(agentId, g.Key.OptionId, g.Key.Item2, month),
                    StaffId = agentId,
                    OptionId = g.Key.OptionId,
                    Currency = g.Key.Item2,
                    Month = month,
                    Amount = g.Sum(x => x.Amount!.Value),
                }).ToList();
            if (keep)
            {
                db.AddRange(totals);
            }
        }

        // The customer's rows count for the customer only (no one's budget), the totals for the budget only (no customer):
        // nothing is counted twice.
        return customerRows
            .Select(g => new PriorGrant(g.OptionId, g.Amount is { } a && g.Currency is { } c ? Money.Of(a, c) : null, g.Quantity, customerId, Guid.Empty, g.GrantedAt))
            .Concat(totals.Where(t => t.Amount > 0).Select(t => new PriorGrant(t.OptionId, Money.Of(t.Amount, t.Currency), 1, Guid.Empty, agentId, monthStart)))
            .ToList();
    }

    private string MonthOf(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone).ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>Adds (or, for a reversal, takes away) an amount from the person's running total of the month it was granted in.</summary>
    private async Task AddToTotalAsync(Guid staffId, Guid optionId, Money amount, DateTimeOffset grantedAt, int sign, CancellationToken ct)
    {
        var month = MonthOf(grantedAt);
        var key = EnvelopeTotal.KeyOf(staffId, optionId, amount.Currency.Code, month);
        var total = db.Set<EnvelopeTotal>().Local.FirstOrDefault(t => t.Key == key) ?? await db.Set<EnvelopeTotal>().FirstOrDefaultAsync(t => t.Key == key, ct);
        if (total is null)
        {
            total = new EnvelopeTotal { Key = key, StaffId = staffId, OptionId = optionId, Currency = amount.Currency.Code, Month = month };
            db.Add(total);
        }

        total.Amount = Math.Max(0m, total.Amount + (sign * amount.Amount));
    }

    private async Task<List<EnvelopeLedger>> TouchLedgersAsync(IReadOnlyList<string> keys, CancellationToken ct)
    {
        var ledgers = await db.Set<EnvelopeLedger>().Where(l => keys.Contains(l.Key)).ToListAsync(ct);
        foreach (var key in keys.Where(k => ledgers.All(l => l.Key != k)))
        {
            var ledger = new EnvelopeLedger { Key = key };
            db.Add(ledger);
            ledgers.Add(ledger);
        }

        return ledgers;
    }

    private static MoneyDto? Dto(Money? money) => money is { } m ? MoneyDto.From(m) : null;

    private static GrantDto ToDto(Grant g, ResolutionOption option) => new(
        g.Id, g.OptionId, option.NameIn(CultureInfo.CurrentUICulture.TwoLetterISOLanguageName), g.Money is { } m ? MoneyDto.From(m) : null, g.Quantity, g.Reason,
        g.GrantedBy, g.GrantedByName, g.GrantedAt, g.ReversedAt, g.ReversalReason, g.HelpRequestId);
}
