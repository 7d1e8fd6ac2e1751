using Microsoft.Extensions.DependencyInjection;
using Notices.Identity.Database;
using Notices.Identity.StaffDirectory;
using Notices.Testing;

namespace Notices.Identity.Tests;

/// <summary>A demo directory of 600 people per provider, for the breakdown and the sample.</summary>
public sealed class StaffBreakdownFixture : AppPerDatabase
{
    protected override Dictionary<string, string> Settings() => DemoDirectory(600, seed: 5);
}

public sealed class StaffBreakdownTests(StaffBreakdownFixture fixture) : IClassFixture<StaffBreakdownFixture>
{
    public static TheoryData<DatabaseProvider, string> Filters()
    {
        var data = new TheoryData<DatabaseProvider, string>();
        foreach (var provider in AppPerDatabase.Providers)
        {
            foreach (var name in Named.Keys)
            {
                data.Add(provider, name);
            }
        }

        return data;
    }

    private static readonly Dictionary<string, StaffFilter> Named = new()
    {
        ["everyone"] = new StaffFilter(),
        ["series"] = new StaffFilter { Series = ["1801", "0930"] },
        ["grade range"] = new StaffFilter { PayPlan = "GS", GradeMin = 11, GradeMax = 13 },
        ["states and statuses"] = new StaffFilter { States = ["CA", "TX", "DC"], Statuses = [EmployeeStatus.Active, EmployeeStatus.OnLeave] },
        ["include ids"] = new StaffFilter { Series = ["9999"], IncludeEmployeeIds = ["E0000007", "E0000100"] },
        ["exclude ids"] = new StaffFilter { ExcludeEmployeeIds = ["E0000001", "E0000002"] },
        ["nobody"] = new StaffFilter { Series = ["9999"] },
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Breakdown_counts_what_the_directory_query_returns(DatabaseProvider provider, string name)
    {
        var app = fixture.App(provider);
        var filter = Named[name];
        var expected = await app.DirectoryAsync(filter);

        var breakdown = await BreakdownAsync(app, filter);

        Assert.Equal(expected.Count, breakdown.Count);
        Assert.Equal(Group(expected, m => m.JobSeries), Sorted(breakdown.BySeries));
        Assert.Equal(Group(expected, m => m.Grade is { } g ? $"{m.PayPlan}-{g}" : m.PayPlan), Sorted(breakdown.ByGrade));
        Assert.Equal(Group(expected, m => string.Join('/', m.Organization.Split('/').Take(2))), Sorted(breakdown.ByOrganization));
        Assert.Equal(Group(expected, m => m.DutyState), Sorted(breakdown.ByState));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Organisation_subtrees_are_included_and_excluded_in_the_breakdown(DatabaseProvider provider)
    {
        var app = fixture.App(provider);
        var everyone = await app.DirectoryAsync();
        var topTwo = everyone.Select(m => string.Join('/', m.Organization.Split('/').Take(2))).Where(o => o.Contains('/', StringComparison.Ordinal))
            .GroupBy(o => o).OrderByDescending(g => g.Count()).Select(g => g.Key).Take(2).ToList();
        Assert.Equal(2, topTwo.Count);

        var included = await BreakdownAsync(app, new StaffFilter { IncludeOrganizations = [topTwo[0]], Statuses = [EmployeeStatus.Active] });
        var excluded = await BreakdownAsync(app, new StaffFilter { ExcludeOrganizations = [topTwo[0]], Statuses = [EmployeeStatus.Active] });

        var active = everyone.Where(m => m.Status == EmployeeStatus.Active).ToList();
        var inside = active.Count(m => m.Organization == topTwo[0] || m.Organization.StartsWith(topTwo[0] + "/", StringComparison.Ordinal));
        Assert.Equal(inside, included.Count);
        Assert.Equal([topTwo[0]], included.ByOrganization.Keys);
        Assert.Equal(active.Count - inside, excluded.Count);
        Assert.DoesNotContain(topTwo[0], excluded.ByOrganization.Keys);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Sample_is_spread_evenly_by_employee_id_and_stable(DatabaseProvider provider)
    {
        var app = fixture.App(provider);
        var filter = new StaffFilter { PayPlan = "GS" };
        var expected = await app.DirectoryAsync(filter);
        Assert.True(expected.Count > 100);

        var sample = await SampleAsync(app, filter, 20);
        var again = await SampleAsync(app, filter, 20);

        var ids = expected.Select(m => m.EmployeeId).ToList();
        Assert.Equal(Enumerable.Range(0, 20).Select(i => ids[(int)((long)i * ids.Count / 20)]), sample.Select(m => m.EmployeeId));
        Assert.Equal(sample, again);
        Assert.Equal(expected.Single(m => m.EmployeeId == sample[5].EmployeeId), sample[5]);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Sample_of_a_small_or_empty_selection_is_all_of_it(DatabaseProvider provider)
    {
        var app = fixture.App(provider);
        var few = new StaffFilter { Series = ["9999"], IncludeEmployeeIds = ["E0000003", "E0000009", "E0000004"] };

        Assert.Equal(["E0000003", "E0000004", "E0000009"], (await SampleAsync(app, few, 20)).Select(m => m.EmployeeId));
        Assert.Empty(await SampleAsync(app, new StaffFilter { Series = ["9999"] }, 20));
        Assert.Empty(await SampleAsync(app, new StaffFilter(), 0));
    }

    [Theory]
    [InlineData("USCIS", "USCIS")]
    [InlineData("USCIS/Field Operations", "USCIS/Field Operations")]
    [InlineData("USCIS/Field Operations/Boston/Intake", "USCIS/Field Operations")]
    public void Organisation_breakdown_keys_are_the_top_two_segments(string path, string expected) =>
        Assert.Equal(expected, OrganizationPath.Top(path, 2));

    private static async Task<StaffBreakdown> BreakdownAsync(NoticesAppFactory app, StaffFilter filter)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IStaffDirectory>().BreakdownAsync(filter);
    }

    private static async Task<IReadOnlyList<StaffMember>> SampleAsync(NoticesAppFactory app, StaffFilter filter, int size)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IStaffDirectory>().SampleAsync(filter, size);
    }

    private static List<KeyValuePair<string, int>> Group(IEnumerable<StaffMember> members, Func<StaffMember, string> key) =>
        members.GroupBy(key).Select(g => KeyValuePair.Create(g.Key, g.Count())).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();

    private static List<KeyValuePair<string, int>> Sorted(IReadOnlyDictionary<string, int> counts) =>
        counts.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
}
