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

/// <summary>
/// The agent resolves the customer's problem on the spot: a resolution within their envelope is granted at once (the
/// grants, a message to the customer in their language, the event) in one transaction; above it, nothing is granted and
/// the answer says which limit, so the agent can ask for help. A helper's approval is granted the same way.
/// </summary>
internal sealed class GrantHandler(
    RibaltaDbContext db,
    EnvelopeRules rules,
    EnvelopeLedgers ledgers,
    ICaseDirectory cases,
    ICaseConversation conversation,
    ICustomerDirectory customers,
    IStringLocalizer<Strings> localizer,
    GrantNorms norms,
    TimeProvider clock)
{
    public const int ReasonMax = 500;

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

    private async Task<Result<ResolutionDto>> GrantLinesAsync(
        Actor authority, CaseRef @case, List<(GrantLine Line, ResolutionOption Option)> asked, string reason, Approval? approval, CancellationToken ct)
    {
        var authorityId = Guid.Parse(authority.Id!);
        // Someone granted to this customer (or this agent in another tab) meanwhile: decide again on fresh history.
        return await ConflictRetry.RunOrTryAgainAsync(db, async () =>
        {
            var (result, refused) = await GrantOnceAsync(authority, authorityId, @case, asked, reason, approval, ct);
            if (refused is not null)
            {
                await RecordRefusalAsync(authorityId, @case.Id, refused, ct);
            }

            return result;
        }, ct);
    }

    private async Task<(Result<ResolutionDto> Result, EnvelopeDecision? Refused)> GrantOnceAsync(
        Actor authority, Guid authorityId, CaseRef @case, List<(GrantLine Line, ResolutionOption Option)> asked, string reason, Approval? approval, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);

        // The ledgers first: what this transaction read is what it writes against, or it does not commit.
        var touched = await ledgers.TouchAsync([$"customer:{@case.CustomerId:N}", $"agent:{authorityId:N}"], ct);
        var prior = await ledgers.PriorAsync(@case.CustomerId, authorityId, ct, keep: true);
        var envelope = await rules.ForAsync(authorityId, @case.CustomerId, ct);
        var now = clock.GetUtcNow();
        var decision = EnvelopeEvaluator.Evaluate(envelope, asked.Select(a => a.Line).ToList(), prior, @case.CustomerId, authorityId, now, ledgers.Zone);
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
            await ledgers.AddToTotalAsync(authorityId, spent.Key.OptionId, spent.Select(a => a.Line.Amount!.Value).Aggregate((x, y) => x + y), now, +1, ct);
        }

        var granted = new ResolutionGranted(
            resolutionId,
            reason,
            approval?.HelpRequestId,
            approval?.SpeaksAs.Name,
            asked.Select(a => new GrantedLine(a.Option.NameIn("en"), a.Option.Kind, a.Line.Amount?.ToString(), a.Line.Quantity)).ToList());
        db.Append(clock, authority, granted, "case", @case.Id.ToString(CultureInfo.InvariantCulture), @case.CustomerId);
        foreach (var ledger in touched)
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
        return (new ResolutionDto(resolutionId, @case.Id, written.Value, grants.Select(g => GrantDto.From(g, asked.First(a => a.Option.Id == g.OptionId).Option)).ToList()), null);
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
}
