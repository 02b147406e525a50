using System.Globalization;
using System.Text;

namespace Ribalta.Platform.Csv;

/// <summary>
/// The one way Ribalta writes CSV: RFC 4180 (comma, CRLF, a field in double quotes when it holds a comma, quote, semicolon
/// or line break, quotes doubled), UTF-8 with a byte-order mark so spreadsheets read the accents, written a row at a time.
/// Cells are typed. Numbers and times are written as they are, so <c>-12.50</c> stays a number. Text is data a customer or
/// a colleague typed, and a spreadsheet would run it as a formula when it begins with <c>= + - @</c> (or their full-width
/// forms), a tab or a carriage return, even after spaces: such text gets a leading <c>'</c> (OWASP's CSV-injection advice),
/// which spreadsheets show as text and hide. The same holds after a line break or a semicolon inside the text, because a
/// spreadsheet set to semicolons (Italian and Spanish Excel) splits the row there and sees a new cell begin.
/// </summary>
internal sealed class CsvWriter(TextWriter output)
{
    private static readonly Encoding Utf8WithMark = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true);

    private readonly StringBuilder _row = new();

    private bool _empty = true;

    /// <summary>A writer over a download's body: UTF-8 with a byte-order mark.</summary>
    public static StreamWriter Utf8(Stream stream) => new(stream, Utf8WithMark, bufferSize: 16 * 1024, leaveOpen: true);

    public CsvWriter Text(string? value)
    {
        Separate();
        if (!string.IsNullOrEmpty(value))
        {
            Quoted(Neutralise(value));
        }

        return this;
    }

    public CsvWriter Number(long value) => Raw(value.ToString(CultureInfo.InvariantCulture));

    public CsvWriter Number(decimal? value) => Raw(value?.ToString(CultureInfo.InvariantCulture));

    /// <summary>ISO 8601 with its offset (<c>2026-12-07T05:30:00.0000000+00:00</c>).</summary>
    public CsvWriter Time(DateTimeOffset? value) => Raw(value?.ToString("O", CultureInfo.InvariantCulture));

    public CsvWriter Id(Guid? value) => Raw(value?.ToString("D", CultureInfo.InvariantCulture));

    /// <summary>A header row: plain text cells.</summary>
    public Task HeaderAsync(IEnumerable<string> names, CancellationToken ct)
    {
        foreach (var name in names)
        {
            Text(name);
        }

        return EndRowAsync(ct);
    }

    /// <summary>Ends the row and hands it to the output (written through, not kept).</summary>
    public async Task EndRowAsync(CancellationToken ct)
    {
        _row.Append("\r\n");
        await output.WriteAsync(_row, ct);
        _row.Clear();
        _empty = true;
    }

    /// <summary>Text as a spreadsheet will show it and never run it (see the class summary).</summary>
    public static string Neutralise(string value)
    {
        StringBuilder? safe = null;
        var copied = 0;
        for (var start = 0; start < value.Length; start++)
        {
            // A cell begins at the start, and (in a spreadsheet splitting on semicolons) after a semicolon or line break.
            if (start > 0 && value[start - 1] is not (';' or '\n' or '\r'))
            {
                continue;
            }

            var first = start;
            while (first < value.Length && value[first] is ' ' or '\u00A0' or '\u3000')
            {
                first++;
            }

            if (first < value.Length && IsFormulaStart(value[first]))
            {
                safe ??= new StringBuilder(value.Length + 4);
                safe.Append(value, copied, start - copied).Append('\'');
                copied = start;
            }
        }

        return safe is null ? value : safe.Append(value, copied, value.Length - copied).ToString();
    }

    private static bool IsFormulaStart(char c) => c is '=' or '+' or '-' or '@' or '\t' or '\r' or '＝' or '＋' or '－' or '＠';

    private CsvWriter Raw(string? value)
    {
        Separate();
        _row.Append(value);
        return this;
    }

    private void Quoted(string value)
    {
        if (value.AsSpan().IndexOfAny(",\";\r\n") < 0)
        {
            _row.Append(value);
            return;
        }

        _row.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }

    private void Separate()
    {
        if (!_empty)
        {
            _row.Append(',');
        }

        _empty = false;
    }
}
