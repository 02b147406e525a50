using System.Globalization;
using System.Text;

namespace Ribalta.Cases.Targets;

/// <summary>Opening hours on one weekday, in minutes from local midnight; 0–1440 is the whole day.</summary>
public readonly record struct OpeningHours(int OpenMinute, int CloseMinute)
{
    public static readonly OpeningHours AllDay = new(0, 1440);

    public bool IsValid => OpenMinute >= 0 && CloseMinute <= 1440 && OpenMinute < CloseMinute;

    public override string ToString() => $"{Format(OpenMinute)}-{Format(CloseMinute)}";

    private static string Format(int minute) => string.Create(CultureInfo.InvariantCulture, $"{minute / 60:00}:{minute % 60:00}");

    /// <summary>"09:00-17:30"; "24:00" closes at midnight.</summary>
    public static bool TryParse(string? text, out OpeningHours hours)
    {
        hours = default;
        var parts = text?.Split('-', StringSplitOptions.TrimEntries);
        if (parts is not { Length: 2 } || !TryMinute(parts[0], out var open) || !TryMinute(parts[1], out var close))
        {
            return false;
        }

        hours = new OpeningHours(open, close);
        return hours.IsValid;
    }

    private static bool TryMinute(string text, out int minute)
    {
        minute = 0;
        var hm = text.Split(':');
        if (hm.Length != 2 || hm[0].Length is < 1 or > 2 || hm[1].Length != 2
            || !int.TryParse(hm[0], NumberStyles.None, CultureInfo.InvariantCulture, out var h)
            || !int.TryParse(hm[1], NumberStyles.None, CultureInfo.InvariantCulture, out var m) || m > 59 || h > 24 || (h == 24 && m != 0))
        {
            return false;
        }

        minute = (h * 60) + m;
        return true;
    }
}

/// <summary>
/// When a team works: a time zone, opening hours per weekday and holidays. Targets count only working time,
/// so a case opened on Friday evening with four working hours to answer is due on Monday morning.
/// </summary>
internal sealed class ServiceCalendar
{
    // A calendar open a single hour a year still ends every search within this horizon.
    private const int HorizonDays = 3 * 366;

    private readonly OpeningHours?[] _week;
    private readonly HashSet<DateOnly> _holidays;

    public ServiceCalendar(TimeZoneInfo zone, IReadOnlyDictionary<DayOfWeek, OpeningHours> week, IEnumerable<DateOnly> holidays)
    {
        Zone = zone;
        _week = new OpeningHours?[7];
        foreach (var (day, hours) in week)
        {
            _week[(int)day] = hours.IsValid ? hours : throw new ArgumentException($"Invalid opening hours {hours} on {day}", nameof(week));
        }

        _holidays = holidays.ToHashSet();
    }

    /// <summary>Open around the clock in UTC: what applies until someone sets working hours.</summary>
    public static ServiceCalendar AlwaysOpen { get; } = new(TimeZoneInfo.Utc, Enum.GetValues<DayOfWeek>().ToDictionary(d => d, _ => OpeningHours.AllDay), []);

    public TimeZoneInfo Zone { get; }

    public bool IsOpenSomeDay => _week.Any(h => h is not null);

    /// <summary>The instant that lies <paramref name="seconds"/> of working time after <paramref name="start"/>.</summary>
    public DateTimeOffset Add(DateTimeOffset start, long seconds)
    {
        if (seconds <= 0)
        {
            return start.ToUniversalTime();
        }

        var remaining = TimeSpan.FromSeconds(seconds);
        foreach (var (open, close) in Windows(start))
        {
            var from = open < start ? start : open;
            var available = close - from;
            if (remaining <= available)
            {
                // In UTC: instants are stored and compared as UTC everywhere.
                return (from + remaining).ToUniversalTime();
            }

            remaining -= available;
        }

        // No working time within the horizon (only possible for a calendar with no open day): never due.
        return DateTimeOffset.MaxValue;
    }

    /// <summary>Working seconds between two instants; zero when <paramref name="to"/> is not after <paramref name="from"/>.</summary>
    public long SecondsBetween(DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from)
        {
            return 0;
        }

        var total = TimeSpan.Zero;
        foreach (var (open, close) in Windows(from))
        {
            if (open >= to)
            {
                break;
            }

            var start = open < from ? from : open;
            var end = close > to ? to : close;
            if (end > start)
            {
                total += end - start;
            }
        }

        return (long)total.TotalSeconds;
    }

    /// <summary>The working windows, as instants, from the local day containing <paramref name="from"/> onwards.</summary>
    private IEnumerable<(DateTimeOffset Open, DateTimeOffset Close)> Windows(DateTimeOffset from)
    {
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(from, Zone).DateTime);
        for (var i = 0; i < HorizonDays; i++, day = day.AddDays(1))
        {
            if (_week[(int)day.DayOfWeek] is not { } hours || _holidays.Contains(day))
            {
                continue;
            }

            var open = Instant(day, hours.OpenMinute);
            var close = Instant(day, hours.CloseMinute);
            if (close > from && close > open)
            {
                yield return (open, close);
            }
        }
    }

    /// <summary>A local wall-clock time as an instant; a time skipped by a clock change counts as the moment after it.</summary>
    private DateTimeOffset Instant(DateOnly day, int minute)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified).AddMinutes(minute);
        if (Zone.IsInvalidTime(local))
        {
            local = local.AddHours(1);
        }

        return new DateTimeOffset(local, Zone.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>"mon=09:00-17:00;tue=…": the week as stored and as the API accepts it.</summary>
    public static string FormatWeek(IReadOnlyDictionary<DayOfWeek, OpeningHours> week)
    {
        var text = new StringBuilder();
        foreach (var day in WeekOrder.Where(week.ContainsKey))
        {
            text.Append(text.Length == 0 ? "" : ";").Append(DayKey(day)).Append('=').Append(week[day]);
        }

        return text.ToString();
    }

    public static bool TryParseWeek(string? text, out Dictionary<DayOfWeek, OpeningHours> week)
    {
        week = [];
        foreach (var entry in (text ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pair = entry.Split('=', 2, StringSplitOptions.TrimEntries);
            var day = WeekOrder.FirstOrDefault(d => pair.Length == 2 && DayKey(d) == pair[0].ToLowerInvariant(), (DayOfWeek)(-1));
            if ((int)day < 0 || week.ContainsKey(day) || !OpeningHours.TryParse(pair[1], out var hours))
            {
                return false;
            }

            week[day] = hours;
        }

        return true;
    }

    /// <summary>Monday first, as working weeks are read in the four languages Ribalta speaks.</summary>
    public static readonly IReadOnlyList<DayOfWeek> WeekOrder =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday];

    public static string DayKey(DayOfWeek day) => day.ToString()[..3].ToLowerInvariant();
}
