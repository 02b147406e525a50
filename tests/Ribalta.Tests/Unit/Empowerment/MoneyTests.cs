using System.Globalization;
using Ribalta.Empowerment.Contracts;
using Xunit;

namespace Ribalta.Tests.Unit.Empowerment;

[Trait("Suite", "Unit")]
public sealed class MoneyTests
{
    [Theory]
    [InlineData("EUR", 2)]
    [InlineData("eur", 2)]
    [InlineData("USD", 2)]
    [InlineData("SAR", 2)]
    [InlineData("JPY", 0)]
    [InlineData("KWD", 3)]
    public void Known_currencies_parse_with_their_minor_unit(string code, int minorUnits)
    {
        Assert.True(Currency.TryParse(code, out var currency));
        Assert.Equal(code.ToUpperInvariant(), currency.Code);
        Assert.Equal(minorUnits, currency.MinorUnits);
    }

    [Theory]
    [InlineData("EUX")]
    [InlineData("EURO")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("€")]
    public void Anything_else_is_not_a_currency(string? code) => Assert.False(Currency.TryParse(code, out _));

    [Theory]
    [InlineData(-0.01, "EUR", "refund.amount", "Validation.AmountNegative")]
    [InlineData(1_000_000_000.01, "EUR", "refund.amount", "Validation.AmountTooLarge")]
    [InlineData(10.005, "EUR", "refund.amount", "Validation.AmountPrecision")]
    [InlineData(100.5, "JPY", "refund.amount", "Validation.AmountPrecision")]
    [InlineData(10, "XXQ", "refund.currency", "Validation.Currency")]
    public void Bad_amounts_are_refused_with_the_field_and_reason(double amount, string currency, string field, string key)
    {
        var result = Money.Create((decimal)amount, currency, "refund");
        Assert.False(result.IsSuccess);
        var error = Assert.Single(result.Error!.Fields);
        Assert.Equal(field, error.Field);
        Assert.Equal(key, error.MessageKey);
    }

    [Fact]
    public void A_missing_amount_is_required_and_good_ones_pass()
    {
        Assert.Equal("Validation.Required", Assert.Single(Money.Create(null, "EUR", "x").Error!.Fields).MessageKey);
        Assert.Equal(Money.Of(12.5m, "EUR"), Money.Create(12.50m, "eur", "x").Value);
        Assert.Equal(Money.Of(1.125m, "KWD"), Money.Create(1.125m, "KWD", "x").Value);
        Assert.Equal(Money.Of(0m, "EUR"), Money.Create(0m, "EUR", "x").Value);
    }

    [Fact]
    public void Amounts_add_and_compare_only_within_a_currency()
    {
        var a = Money.Of(10.25m, "EUR");
        var b = Money.Of(4.75m, "EUR");
        Assert.Equal(Money.Of(15m, "EUR"), a + b);
        Assert.True(a > b);
        Assert.Equal(Money.Of(5.5m, "EUR"), a.Less(b));
        Assert.Equal(Money.Zero(a.Currency), b.Less(a));
        Assert.Throws<InvalidOperationException>(() => a + Money.Of(1m, "USD"));
        Assert.Throws<InvalidOperationException>(() => a < Money.Of(1m, "USD"));
        Assert.Throws<ArgumentOutOfRangeException>(() => Money.Of(-1m, "EUR"));
        Assert.Throws<ArgumentOutOfRangeException>(() => Money.Of(0.001m, "EUR"));
    }

    [Fact]
    public void Amounts_read_as_each_language_writes_them()
    {
        var money = Money.Of(1234.5m, "EUR");
        Assert.Equal("1234.50 EUR", money.ToString());
        Assert.Equal("1,234.50 EUR", money.Format(new CultureInfo("en")));
        Assert.Equal("1.234,50 EUR", money.Format(new CultureInfo("it")));
        Assert.Equal("1000 JPY", Money.Of(1000m, "JPY").ToString());
        Assert.Equal("2.500 KWD", Money.Of(2.5m, "KWD").ToString());
        Assert.Contains("EUR", money.Format(new CultureInfo("ar")), StringComparison.Ordinal);
    }
}
