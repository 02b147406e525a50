using Ribalta.Cases.Contracts;
using Ribalta.Cases.Domain;
using Ribalta.Cases.Targets;
using Xunit;

namespace Ribalta.Tests.Unit;

[Trait("Suite", "Unit")]
public sealed class CalendarTests
{
    private static readonly TimeZoneInfo Rome = TimeZoneInfo.FindSystemTimeZoneById("Europe/Rome");

    /// <summary>Monday to Friday 09:00–17:00 in Rome; 2026-12-08 (a Tuesday) and Christmas are holidays.</summary>
    private static ServiceCalendar Office() => new(
        Rome,
        ServiceCalendar.WeekOrder.Take(5).ToDictionary(d => d, _ => new OpeningHours(9 * 60, 17 * 60)),
        [new DateOnly(2026, 12, 8), new DateOnly(2026, 12, 25)]);

    private static DateTimeOffset RomeTime(int year, int month, int day, int hour, int minute = 0) =>
        new(new DateTime(year, month, day, hour, minute, 0), Rome.GetUtcOffset(new DateTime(year, month, day, hour, minute, 0)));

    [Fact]
    public void Friday_evening_plus_four_working_hours_is_monday_lunchtime()
    {
        // Friday 27 November 2026, 16:00: one hour left that day, three more from Monday 09:00.
        var due = Office().Add(RomeTime(2026, 11, 27, 16), 4 * 3600);
        Assert.Equal(RomeTime(2026, 11, 30, 12), due);
    }

    [Fact]
    public void Holidays_are_skipped_like_weekends()
    {
        // Monday 7 December 16:00 + 2 h: one hour Monday, Tuesday 8th is a holiday, so Wednesday 10:00.
        var due = Office().Add(RomeTime(2026, 12, 7, 16), 2 * 3600);
        Assert.Equal(RomeTime(2026, 12, 9, 10), due);
    }

    [Fact]
    public void Time_outside_hours_starts_counting_at_the_next_opening()
    {
        Assert.Equal(RomeTime(2026, 11, 30, 9, 30), Office().Add(RomeTime(2026, 11, 28, 23), 30 * 60));
        Assert.Equal(RomeTime(2026, 11, 26, 9, 30), Office().Add(RomeTime(2026, 11, 26, 6), 30 * 60));
    }

    [Fact]
    public void Working_seconds_between_two_instants_skip_nights_weekends_and_holidays()
    {
        var office = Office();
        Assert.Equal(4 * 3600, office.SecondsBetween(RomeTime(2026, 11, 27, 16), RomeTime(2026, 11, 30, 12)));
        Assert.Equal(8 * 3600, office.SecondsBetween(RomeTime(2026, 12, 7, 17), RomeTime(2026, 12, 9, 17)));
        Assert.Equal(0, office.SecondsBetween(RomeTime(2026, 11, 28, 10), RomeTime(2026, 11, 29, 18)));
        Assert.Equal(0, office.SecondsBetween(RomeTime(2026, 11, 30, 12), RomeTime(2026, 11, 30, 11)));
    }

    [Fact]
    public void Add_and_between_agree_across_a_daylight_saving_change()
    {
        // Clocks go back on Sunday 25 October 2026 in Rome; working hours stay 09:00–17:00 local.
        var office = Office();
        var start = RomeTime(2026, 10, 23, 15);
        var due = office.Add(start, 10 * 3600);
        Assert.Equal(RomeTime(2026, 10, 26, 17), due);
        Assert.Equal(10 * 3600, office.SecondsBetween(start, due));
    }

    [Fact]
    public void Always_open_counts_wall_clock_time()
    {
        var start = new DateTimeOffset(2026, 11, 28, 22, 0, 0, TimeSpan.Zero);
        Assert.Equal(start.AddHours(30), ServiceCalendar.AlwaysOpen.Add(start, 30 * 3600));
    }

    [Theory]
    [InlineData("mon=09:00-17:00;fri=08:30-12:00", true)]
    [InlineData("sun=00:00-24:00", true)]
    [InlineData("mon=17:00-09:00", false)]
    [InlineData("mon=09:00-25:00", false)]
    [InlineData("xyz=09:00-17:00", false)]
    [InlineData("mon=09:00-17:00;mon=10:00-11:00", false)]
    [InlineData("mon=9-17", false)]
    public void Weeks_parse_only_when_well_formed(string text, bool valid) =>
        Assert.Equal(valid, ServiceCalendar.TryParseWeek(text, out _));

    [Fact]
    public void Weeks_round_trip_through_their_stored_form()
    {
        Assert.True(ServiceCalendar.TryParseWeek("tue=09:00-13:00;mon=08:00-24:00", out var week));
        Assert.Equal("mon=08:00-24:00;tue=09:00-13:00", ServiceCalendar.FormatWeek(week));
    }

    [Fact]
    public void A_segments_own_targets_win_and_the_shortest_of_several_applies()
    {
        var vip = Guid.NewGuid();
        var trade = Guid.NewGuid();
        var rules = new TargetRules(new Dictionary<Guid, ServiceCalendar>(),
        [
            new TargetRecord { Priority = CasePriority.High, SegmentId = Guid.Empty, FirstResponseMinutes = 240, ResolutionMinutes = 960 },
            new TargetRecord { Priority = CasePriority.High, SegmentId = vip, FirstResponseMinutes = 60 },
            new TargetRecord { Priority = CasePriority.High, SegmentId = trade, FirstResponseMinutes = 120, ResolutionMinutes = 480 },
        ]);
        Assert.Equal(new TargetMinutes(240, 960), rules.For(CasePriority.High, []));
        Assert.Equal(new TargetMinutes(60, 960), rules.For(CasePriority.High, [vip]));
        Assert.Equal(new TargetMinutes(60, 480), rules.For(CasePriority.High, [vip, trade]));
        Assert.Equal(new TargetMinutes(null, null), rules.For(CasePriority.Low, [vip]));
    }

    [Fact]
    public void The_resolution_clock_pauses_while_waiting_on_the_customer_and_resumes_with_what_was_left()
    {
        var office = Office();
        var opened = RomeTime(2026, 11, 23, 9); // Monday
        var @case = new Case { Subject = "Invoice", CreatedAt = opened, UpdatedAt = opened };
        @case.SetTargets(60, 16 * 60);
        @case.SyncTargets(office, opened);
        Assert.Equal(RomeTime(2026, 11, 23, 10), @case.FirstResponseDueAt);
        Assert.Equal(RomeTime(2026, 11, 24, 17), @case.ResolutionDueAt);
        Assert.Equal(@case.FirstResponseDueAt, @case.NextDueAt);

        // Answered at 11:00 (an hour late) and now waiting on the customer: the first answer is missed, the clock stops.
        var answered = RomeTime(2026, 11, 23, 11);
        @case.FirstRespondedAt = answered;
        @case.MoveTo(CaseStatus.WaitingOnCustomer, answered);
        var breaches = @case.RecordBreaches(answered);
        @case.SyncTargets(office, answered);
        Assert.Equal(("first_response", RomeTime(2026, 11, 23, 10)), Assert.Single(breaches));
        Assert.Null(@case.ResolutionDueAt);
        Assert.Null(@case.NextDueAt);
        Assert.Equal(14 * 3600, @case.ResolutionSecondsLeftWhilePaused);

        // The customer answers on Thursday at 15:00: fourteen working hours remain from there.
        var back = RomeTime(2026, 11, 26, 15);
        @case.ReopenOnCustomerMessage(back);
        Assert.Empty(@case.RecordBreaches(back));
        @case.SyncTargets(office, back);
        Assert.Equal(RomeTime(2026, 11, 30, 13), @case.ResolutionDueAt);
        Assert.Equal(@case.ResolutionDueAt, @case.NextDueAt);
        Assert.Equal(@case.ResolutionDueAt, @case.BreachCheckAt);

        // Nobody solves it in time: the breach is recorded once, at the due time.
        var late = RomeTime(2026, 12, 1, 9);
        Assert.Equal(("resolution", RomeTime(2026, 11, 30, 13)), Assert.Single(@case.RecordBreaches(late)));
        Assert.Empty(@case.RecordBreaches(late));
        Assert.Null(@case.BreachCheckAt);
        Assert.NotNull(@case.NextDueAt);
    }
}
