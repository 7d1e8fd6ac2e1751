using System.Text;
using Notices.Cli;
using Notices.Identity.Database;
using Notices.Identity.StaffDirectory;
using Notices.Identity.StaffDirectory.Import;
using Notices.Testing;
using static Notices.Testing.DirectoryCsv;

namespace Notices.Tests;

public sealed class DirectoryImportTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_file_with_a_bom_crlf_and_quoted_fields_is_imported(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(database);
        var text = Header + "\r\n" + Head() + "\r\n" +
            "E2,\"O'Brien, Ann \"\"Annie\"\"\",Ann.OBrien@Agency.example,0930,GS,13,\"Asylum Officer, Supervisory\",\"USCIS/Refugee, Asylum and International Operations Directorate\",Arlington,va,E1,on_leave\r\n";
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text)).ToArray();

        var outcome = await app.ImportDirectoryAsync(bytes);

        Assert.True(outcome.Accepted, string.Join("\n", outcome.Problems));
        Assert.Equal("added 2, updated 0, deactivated 0, unchanged 0", outcome.Summary);
        var ann = await app.FindEmployeeAsync("E2");
        Assert.NotNull(ann);
        Assert.Equal("O'Brien, Ann \"Annie\"", ann.DisplayName);
        Assert.Equal("Asylum Officer, Supervisory", ann.PositionTitle);
        Assert.Equal("USCIS/Refugee, Asylum and International Operations Directorate", ann.Organization);
        Assert.Equal("VA", ann.DutyState);
        Assert.Equal(EmployeeStatus.OnLeave, ann.Status);
        Assert.Equal(13, ann.Grade);
        Assert.Null((await app.FindEmployeeAsync("E1"))!.Grade);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Reimporting_updates_changed_rows_and_counts_the_rest_unchanged(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(database);
        await app.ImportDirectoryAsync(File(Head(), Row("E2"), Row("E3"), Row("E4")));

        var outcome = await app.ImportDirectoryAsync(File(Head(), Row("E2", grade: "13"), Row("E3", supervisor: "E2"), Row("E4"), Row("E5")));

        Assert.Equal("added 1, updated 2, deactivated 0, unchanged 2", outcome.Summary);
        Assert.Equal(13, (await app.FindEmployeeAsync("E2"))!.Grade);
        Assert.Equal("E2", (await app.FindEmployeeAsync("E3"))!.SupervisorId);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Deactivate_missing_marks_employees_absent_from_the_file_as_separated(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(database);
        await app.ImportDirectoryAsync(File(Head(), Row("E2"), Row("E3"), Row("E4", status: "separated")));

        var partial = await app.ImportDirectoryAsync(File(Head(), Row("E2")));
        var full = await app.ImportDirectoryAsync(File(Head(), Row("E2")), deactivateMissing: true);

        Assert.Equal("added 0, updated 0, deactivated 0, unchanged 2", partial.Summary);
        Assert.Equal("added 0, updated 0, deactivated 1, unchanged 2", full.Summary);
        Assert.Equal(EmployeeStatus.Separated, (await app.FindEmployeeAsync("E3"))!.Status);
        Assert.Equal(EmployeeStatus.Active, (await app.FindEmployeeAsync("E2"))!.Status);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_dry_run_reports_the_counts_and_changes_nothing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(database);
        await app.ImportDirectoryAsync(File(Head(), Row("E2"), Row("E3")));
        var before = await app.DirectoryAsync();

        var outcome = await app.ImportDirectoryAsync(File(Head(), Row("E2", grade: "9"), Row("E4")), dryRun: true, deactivateMissing: true);

        Assert.True(outcome.DryRun);
        Assert.Equal("added 1, updated 1, deactivated 1, unchanged 1", outcome.Summary);
        Assert.Equal(before, await app.DirectoryAsync());
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Two_employees_can_swap_emails_in_one_import(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(database);
        await app.ImportDirectoryAsync(File(Head(), Row("E2", email: "a@agency.example"), Row("E3", email: "b@agency.example")));

        var outcome = await app.ImportDirectoryAsync(File(Head(), Row("E2", email: "B@agency.example"), Row("E3", email: "a@agency.example"), Row("E4", email: "c@agency.example")));

        Assert.Equal("added 1, updated 2, deactivated 0, unchanged 1", outcome.Summary);
        Assert.Equal("B@agency.example", (await app.FindEmployeeAsync("E2"))!.Email);
        Assert.Equal("a@agency.example", (await app.FindEmployeeAsync("E3"))!.Email);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task The_cli_prints_the_summary_line_and_exits_zero(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(database);
        var file = Path.Combine(database.DataDirectory, "staff.csv");
        await System.IO.File.WriteAllTextAsync(file, File(Head(), Row("E2")));
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var dry = await DirectoryCommands.ImportAsync(app.Services, file, new ImportOptions(DryRun: true), stdout, stderr, default);
        var real = await DirectoryCommands.ImportAsync(app.Services, file, new ImportOptions(), stdout, stderr, default);

        Assert.Equal(0, dry);
        Assert.Equal(0, real);
        Assert.Equal(
            "added 2, updated 0, deactivated 0, unchanged 0\nadded 2, updated 0, deactivated 0, unchanged 0\n",
            stdout.ToString().ReplaceLineEndings("\n"));
        Assert.Contains("Dry run: nothing was applied.", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cli_prints_one_line_per_problem_and_exits_non_zero()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(database);
        var file = Path.Combine(database.DataDirectory, "staff.csv");
        await System.IO.File.WriteAllTextAsync(file, File(Head(), Row("E2", email: "x"), Row("E3", series: "1")));
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await DirectoryCommands.ImportAsync(app.Services, file, new ImportOptions(), stdout, stderr, default);

        Assert.Equal(DirectoryCommands.Refused, exit);
        var lines = stdout.ToString().ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("line 3: email: 'x'", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("line 4: job_series: '1'", lines[1], StringComparison.Ordinal);
        Assert.Contains("nothing was applied", stderr.ToString(), StringComparison.Ordinal);
        Assert.Empty(await app.DirectoryAsync());
    }

    [Fact]
    public async Task The_cli_names_a_missing_file_without_a_stack_trace()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(database);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var missing = Path.Combine(database.DataDirectory, "nope.csv");

        var exit = await DirectoryCommands.ImportAsync(app.Services, missing, new ImportOptions(), stdout, stderr, default);

        Assert.Equal(DirectoryCommands.Failed, exit);
        Assert.Equal($"error: no such file: {missing}", stderr.ToString().Trim());
        Assert.Empty(stdout.ToString());
    }
}
