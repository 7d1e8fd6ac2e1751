using Notices.Signup.Approvals;
using Notices.Signup.Reporting;
using Notices.Signup.Responses;

namespace Notices.Signup.Tests.Reporting;

/// <summary>The pure parts of the reporting tallies: which keys an answer counts under, and the nearest-rank percentile.</summary>
public sealed class TallyKeysTests
{
    private static SignupResponse Response(ResponseState? state, bool opened = true) => new()
    {
        State = state,
        OpenedAt = opened ? DateTimeOffset.UnixEpoch : null,
        JobSeries = "1801",
        Grade = "GS-12",
        Organization = "USCIS/Field Operations",
        DutyState = "TX",
        Preferences = ["Houston, TX", "Laredo, TX", "Houston, TX"],
    };

    [Fact]
    public void An_approved_volunteer_counts_in_every_breakdown_as_volunteered_and_approved()
    {
        var keys = TallyKeys.Of(Response(ResponseState.Volunteered), ApprovalState.Approved);

        Assert.Contains(TallyKeys.Opened, keys);
        Assert.Contains(TallyKeys.Volunteered, keys);
        Assert.Contains(TallyKeys.ApprovalApproved, keys);
        foreach (var measure in new[] { "volunteered", "approved" })
        {
            Assert.Contains($"{measure}|series|1801", keys);
            Assert.Contains($"{measure}|grade|GS-12", keys);
            Assert.Contains($"{measure}|organization|USCIS/Field Operations", keys);
            Assert.Contains($"{measure}|state|TX", keys);
            Assert.Contains($"{measure}|choice1|Houston, TX", keys);
            Assert.Contains($"{measure}|choice|Laredo, TX", keys);
        }

        // A place chosen twice counts once.
        Assert.Single(keys, k => k == "volunteered|choice|Houston, TX");
    }

    [Fact]
    public void Withdrawn_declined_and_unopened_views_count_only_their_state()
    {
        Assert.Equal([TallyKeys.ApprovalWithdrawn, TallyKeys.Opened, TallyKeys.Withdrawn], TallyKeys.Of(Response(ResponseState.Withdrawn), ApprovalState.Withdrawn).ToArray());
        Assert.Equal([TallyKeys.Opened, TallyKeys.Declined], TallyKeys.Of(Response(ResponseState.Declined), null).ToArray());
        Assert.Empty(TallyKeys.Of(Response(null, opened: false), null));
        var waiting = TallyKeys.Of(Response(ResponseState.Volunteered), ApprovalState.Escalated);
        Assert.Contains(TallyKeys.ApprovalOpen, waiting);
        Assert.DoesNotContain(waiting, k => k.StartsWith("approved|", StringComparison.Ordinal));
    }

    [Fact]
    public void Percentiles_are_nearest_rank()
    {
        var hours = Enumerable.Range(1, 10).Select(h => TimeSpan.FromHours(h)).ToList();

        Assert.Equal(TimeSpan.FromHours(5), ResponseReport.Percentile(hours, 0.5));
        Assert.Equal(TimeSpan.FromHours(9), ResponseReport.Percentile(hours, 0.9));
        Assert.Equal(TimeSpan.FromHours(1), ResponseReport.Percentile([TimeSpan.FromHours(1)], 0.9));
        Assert.Null(ResponseReport.Percentile([], 0.5));
    }
}
