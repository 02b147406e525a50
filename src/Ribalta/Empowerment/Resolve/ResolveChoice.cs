using System.Globalization;
using Ribalta.Empowerment.Contracts;

namespace Ribalta.Empowerment.Resolve;

/// <summary>
/// One option as the agent fills it in the resolve panel: chosen or not, and how much (an amount, or a number of days
/// or items). Public because the components that bind to it are (Razor makes them so); a record, as a module's public
/// data shapes are.
/// </summary>
public sealed record ResolveChoice(ResolveOptionDto Option)
{
    public bool Chosen { get; set; }

    public decimal? Amount { get; set; }

    public string Currency { get; set; } = Option.Currencies.FirstOrDefault()?.Currency ?? "";

    public int Quantity { get; set; } = 1;

    /// <summary>The option as loaded again, keeping what the agent had filled in (a currency only where the option still has it).</summary>
    public static ResolveChoice Keeping(ResolveOptionDto option, ResolveChoice was) => new(option)
    {
        Chosen = was.Chosen,
        Amount = was.Amount,
        Currency = option.Currencies.Any(c => c.Currency == was.Currency) ? was.Currency : option.Currencies.FirstOrDefault()?.Currency ?? "",
        Quantity = was.Quantity,
    };

    public ResolutionLineInput ToLine() => Option.Measure == OptionMeasure.Money
        ? new ResolutionLineInput(Option.OptionId, new MoneyDto(Amount, Currency))
        : new ResolutionLineInput(Option.OptionId, Quantity: Quantity);

    /// <summary>The choice in words, for a request for help: the option with its amount or quantity.</summary>
    public string Describe() => Option.Measure == OptionMeasure.Money
        ? $"{Option.Name} {(Amount is { } a ? new MoneyDto(a, Currency).Format(CultureInfo.CurrentCulture) : "")}"
        : Option.Measure == OptionMeasure.Exception ? Option.Name : $"{Option.Name} × {Quantity.ToString(CultureInfo.CurrentCulture)}";
}
