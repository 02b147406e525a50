using System.Globalization;
using Microsoft.Extensions.Options;

namespace Ribalta.Platform.Localization;

/// <summary>
/// Values as a reader sees them inside a sentence: times in the organisation's zone (not the server's) in the current
/// culture, and every inserted value isolated in its own direction. Without the isolates, a Latin name followed by a
/// time in an Arabic sentence forms one left-to-right run and the pieces swap places ("بواسطة Sam Whitaker، 8/12/2026
/// 2:40" reads "2:40 2026/12/Sam Whitaker، 8"). The marks work in text, attributes and mail. On a page,
/// <see cref="Sentence"/> shows such a sentence with each value in a <c>bdi</c> element instead of the marks, and
/// <see cref="When"/> shows a time on its own in a <c>time</c> element, which the stylesheet isolates.
/// </summary>
public sealed class Shown(IOptions<OrganisationOptions> options)
{
    /// <summary>U+2068 FIRST STRONG ISOLATE: what follows takes the direction of its first strong letter, apart from its neighbours.</summary>
    public const char FirstStrongIsolate = '\u2068';

    /// <summary>U+2069 POP DIRECTIONAL ISOLATE: ends the isolate.</summary>
    public const char PopDirectionalIsolate = '\u2069';

    public TimeZoneInfo Zone { get; } = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);

    /// <summary>The time in the organisation's zone, in the current culture ("g", "d", "t", "D"), isolated: for a sentence or an attribute.</summary>
    public string Time(DateTimeOffset at, string format = "g") => Isolated(Plain(at, format));

    /// <summary>The time in the organisation's zone, in the current culture, without isolates: for an element that isolates itself.</summary>
    public string Plain(DateTimeOffset at, string format = "g") => TimeZoneInfo.ConvertTime(at, Zone).ToString(format, CultureInfo.CurrentCulture);

    /// <summary>A name, an address or any text a person wrote, isolated for a sentence in either direction; nothing for nothing.</summary>
    public static string Isolated(string? value) => string.IsNullOrEmpty(value) ? "" : $"{FirstStrongIsolate}{value}{PopDirectionalIsolate}";
}
