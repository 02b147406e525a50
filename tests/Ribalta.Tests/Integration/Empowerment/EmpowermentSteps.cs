using System.Net;
using System.Net.Http.Json;
using Ribalta.Empowerment.Catalogue;
using Ribalta.Empowerment.Contracts;
using Ribalta.Empowerment.Envelopes;
using Ribalta.Empowerment.Help;
using Ribalta.Empowerment.Promises;
using Ribalta.Platform.Identity;
using Ribalta.Tests.Infrastructure;

namespace Ribalta.Tests.Integration.Empowerment;

/// <summary>
/// What the front line may do for a customer, as a test sets it up: a refund option and its envelope (made by a
/// manager), help asked of a colleague or a team, a promise made on a case.
/// </summary>
public static class EmpowermentSteps
{
    /// <summary>A new refund option (money), named in the four languages, its English name unique.</summary>
    public static async Task<ResolutionOptionDto> CreateRefundOptionAsync(this HttpClient manager)
    {
        var response = await manager.PostAsJsonAsync("/api/v1/resolution-options", new ResolutionOptionInput(ResolutionKind.Refund, OptionMeasure.Money,
            new Dictionary<string, string> { ["en"] = "Refund " + Api.Unique(), ["it"] = "Rimborso", ["es"] = "Reembolso", ["ar"] = "استرداد" }), Api.Json);
        return await response.ReadExpectedAsync<ResolutionOptionDto>(HttpStatusCode.Created, "Create resolution option");
    }

    public static async Task AddEnvelopeRuleAsync(this HttpClient manager, EnvelopeRuleInput rule) =>
        await (await manager.PostAsJsonAsync("/api/v1/envelope-rules", rule, Api.Json)).ExpectAsync(HttpStatusCode.Created, "Add envelope rule");

    /// <summary>
    /// A manager adds a refund option with an envelope for the front line: at most <paramref name="perGrant"/> EUR a
    /// grant, <paramref name="perCustomer"/> EUR a customer, <paramref name="budget"/> a month (in EUR, and in USD).
    /// </summary>
    public static async Task<(HttpClient Manager, ResolutionOptionDto Option)> RefundEnvelopeAsync(this RibaltaApp app, decimal perGrant, decimal perCustomer, decimal budget)
    {
        var manager = await app.AsStaff(StaffRoles.Manager);
        var option = await manager.CreateRefundOptionAsync();
        await manager.AddEnvelopeRuleAsync(new EnvelopeRuleInput(option.Id, StaffRoles.Frontline,
            PerGrant: [new MoneyDto(perGrant, "EUR")], PerCustomer: [new MoneyDto(perCustomer, "EUR")], MonthlyBudget: [new MoneyDto(budget, "EUR"), new MoneyDto(budget, "USD")]));
        return (manager, option);
    }

    /// <summary>A refund option whose envelope lets each role grant at most its amount in EUR at once, with no other limit; the option's id.</summary>
    public static async Task<Guid> RefundPerRoleAsync(this RibaltaApp app, params (string Role, decimal PerGrant)[] limits)
    {
        var manager = await app.AsStaff(StaffRoles.Manager);
        var option = (await manager.CreateRefundOptionAsync()).Id;
        foreach (var (role, limit) in limits)
        {
            await manager.AddEnvelopeRuleAsync(new EnvelopeRuleInput(option, role, PerGrant: [new MoneyDto(limit, "EUR")]));
        }

        return option;
    }

    /// <summary>Asks for help on the case (of a person or a department, with a reason and perhaps a proposal); the request.</summary>
    public static async Task<HelpRequestDto> AskForHelpAsync(this HttpClient agent, long caseId, HelpRequestInput input) =>
        await (await agent.PostAsJsonAsync($"/api/v1/cases/{caseId}/help-requests", input, Api.Json)).ReadExpectedAsync<HelpRequestDto>(HttpStatusCode.Created, "Ask for help");

    /// <summary>Makes a promise of the sentence the agent wrote on the case, due when <paramref name="input"/> says; the promise.</summary>
    public static async Task<PromiseDto> MakePromiseAsync(this HttpClient agent, long caseId, PromiseInput input) =>
        await (await agent.PostAsJsonAsync($"/api/v1/cases/{caseId}/promises", input, Api.Json)).ReadExpectedAsync<PromiseDto>(HttpStatusCode.Created, "Make promise");
}
