using System.Security.Cryptography;
using Notices.Identity.StaffDirectory;
using Notices.Identity.StaffDirectory.Demo;
using Notices.Identity.StaffDirectory.Import;

namespace Notices.Identity.Tests;

public sealed class DemoDirectoryGeneratorTests
{
    private static readonly IReadOnlyList<StaffMember> Default = DemoDirectoryGenerator.Generate(DemoDirectoryGenerator.DefaultEmployees, 1);

    [Fact]
    public void The_same_seed_gives_the_same_file_and_another_seed_another()
    {
        var first = Csv(DemoDirectoryGenerator.Generate(3_000, 42));
        var again = Csv(DemoDirectoryGenerator.Generate(3_000, 42));
        var other = Csv(DemoDirectoryGenerator.Generate(3_000, 43));

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void The_output_for_a_seed_is_pinned_across_runs_and_platforms()
    {
        // Changing the generator on purpose changes this hash; update it in the same commit.
        var hash = Convert.ToHexString(SHA256.HashData(Csv(DemoDirectoryGenerator.Generate(1_000, 1))));

        Assert.Equal(PinnedHash, hash);
    }

    private const string PinnedHash = "9E98F5DA02294F7DDB76E3237A2EF56FC95E3F2FA35AE3BB0314614A7B235277";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(60)]
    [InlineData(1_000)]
    [InlineData(DemoDirectoryGenerator.DefaultEmployees)]
    public void The_demo_directory_passes_the_import_checks(int employees)
    {
        var rows = DemoDirectoryGenerator.Generate(employees, 5);
        var problems = new ImportProblems();
        using var csv = DemoDirectoryGenerator.ToCsvStream(rows);

        var ids = new HashSet<string>(StringComparer.Ordinal);
        var records = DirectoryCsvReader.Read(csv, problems, ids, null, default);
        Assert.NotNull(records);
        DirectoryValidator.Validate(records, ids, new Dictionary<string, DirectoryRecord>(), deactivateMissing: false, problems);

        Assert.Equal([], problems.Kept.Select(p => p.ToString()));
        Assert.Equal(employees, records.Count);
    }

    [Fact]
    public void There_is_one_head_and_every_chain_reaches_it()
    {
        var byId = Default.ToDictionary(e => e.EmployeeId);
        var head = Assert.Single(Default, e => e.SupervisorId is null);
        Assert.Equal("USCIS", head.Organization);
        Assert.Equal("SES", head.PayPlan);

        foreach (var employee in Default)
        {
            var current = employee;
            var steps = 0;
            while (current.SupervisorId is { } supervisor)
            {
                current = byId[supervisor];
                Assert.True(++steps < 12, $"{employee.EmployeeId} is more than 12 steps from the head");
            }

            Assert.Same(head, current);
        }
    }

    [Fact]
    public void Supervisors_sit_above_their_staff_in_the_org_tree_and_in_grade()
    {
        var byId = Default.ToDictionary(e => e.EmployeeId);
        foreach (var employee in Default.Where(e => e.SupervisorId is not null))
        {
            var supervisor = byId[employee.SupervisorId!];
            Assert.True(
                employee.Organization == supervisor.Organization || employee.Organization.StartsWith(supervisor.Organization + "/", StringComparison.Ordinal),
                $"{employee.EmployeeId} ({employee.Organization}) is outside the subtree of {supervisor.EmployeeId} ({supervisor.Organization})");
            Assert.NotEqual(EmployeeStatus.Separated, supervisor.Status);
            if (supervisor.PayPlan == "SES")
            {
                continue;
            }

            if (supervisor.PayPlan == employee.PayPlan || (supervisor.PayPlan == "WS" && employee.PayPlan == "WG"))
            {
                Assert.True(supervisor.Grade > employee.Grade, $"{supervisor.EmployeeId} ({supervisor.PayPlan}-{supervisor.Grade}) supervises {employee.EmployeeId} ({employee.PayPlan}-{employee.Grade})");
            }

            Assert.NotEqual("SES", employee.PayPlan);
        }
    }

    [Fact]
    public void The_span_of_control_is_believable()
    {
        var reports = Default.Where(e => e.SupervisorId is not null).GroupBy(e => e.SupervisorId!).Select(g => g.Count()).ToList();

        Assert.True(reports.Max() <= 25, $"largest span {reports.Max()}");
        Assert.InRange(reports.Average(), 4.0, 15.0);
    }

    [Fact]
    public void The_series_grades_places_and_statuses_have_a_believable_mix()
    {
        var bySeries = Default.GroupBy(e => e.JobSeries).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal("1801", bySeries.MaxBy(p => p.Value).Key);
        foreach (var series in new[] { "0930", "0343", "2210", "0301", "0303", "0905", "1811" })
        {
            Assert.True(bySeries.ContainsKey(series), $"no {series}");
        }

        Assert.InRange(Default.Count(e => e.PayPlan == "SES"), 5, 80);
        Assert.Contains(Default, e => e.PayPlan == "WG");
        Assert.True(Default.Select(e => e.DutyState).Distinct().Count() >= 40);
        Assert.True(Default.Count(e => e.Status == EmployeeStatus.Active) > Default.Count * 0.9);
        Assert.InRange(Default.Count(e => e.Status == EmployeeStatus.Separated), 1, Default.Count / 50);
        Assert.Contains(Default, e => e.Status == EmployeeStatus.OnLeave);
        Assert.Equal(Default.Count, Default.Select(e => e.Email.ToLowerInvariant()).Distinct().Count());
        Assert.All(Default, e => Assert.EndsWith("@agency.example", e.Email, StringComparison.Ordinal));
    }

    private static byte[] Csv(IReadOnlyList<StaffMember> rows)
    {
        using var stream = DemoDirectoryGenerator.ToCsvStream(rows);
        return stream.ToArray();
    }
}
