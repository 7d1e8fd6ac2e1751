using Notices.Identity.Database;
using Notices.Testing;
using static Notices.Testing.DirectoryCsv;

namespace Notices.Identity.Tests;

/// <summary>Every kind of bad file is refused whole, with one problem line per bad row, and changes nothing.</summary>
public sealed class DirectoryImportRefusalTests(DirectoryImportFixture fixture) : IClassFixture<DirectoryImportFixture>
{
    public static TheoryData<DatabaseProvider, string, string, string[]> BadFiles()
    {
        var cases = new (string Name, string File, string[] Expected)[]
        {
            ("bad email", File(Row("E10", email: "not-an-email")), ["line 2: email: 'not-an-email' is not a valid email address"]),
            ("email with a display name", File(Row("E10", email: "\"Ann <ann@agency.example>\"")), ["line 2: email:"]),
            ("duplicate id", File(Row("E10"), Row("E10", email: "other@agency.example")), ["line 3: employee_id: 'E10' is a duplicate of line 2"]),
            ("duplicate email differing in case", File(Row("E10", email: "ann@agency.example"), Row("E11", email: "ANN@Agency.example")),
                ["line 3: email: 'ANN@Agency.example' duplicates the email on line 2"]),
            ("email of another directory employee", File(Row("E10", email: "Pat.Lee@agency.example")),
                ["line 2: email: 'Pat.Lee@agency.example' already belongs to employee E3"]),
            ("series not 4 digits", File(Row("E10", series: "18O1")), ["line 2: job_series: '18O1' is not an OPM series"]),
            ("series too short", File(Row("E10", series: "343")), ["line 2: job_series: '343'"]),
            ("GS grade above 15", File(Row("E10", grade: "16")), ["line 2: grade: '16' is impossible for pay plan GS (grades 1-15)"]),
            ("GS grade 0", File(Row("E10", grade: "0")), ["line 2: grade: '0' is impossible for pay plan GS"]),
            ("WG grade above 15", File(Row("E10", payPlan: "WG", grade: "16")), ["line 2: grade: '16' is impossible for pay plan WG"]),
            ("SES with a grade", File(Row("E10", payPlan: "SES", grade: "5")), ["line 2: grade: '5' is impossible: pay plan SES has no grades"]),
            ("graded plan without a grade", File(Row("E10", grade: "")), ["line 2: grade: is required"]),
            ("unknown pay plan", File(Row("E10", payPlan: "XX")), ["line 2: pay_plan: 'XX' is not a known pay plan"]),
            ("supervisor not in file or directory", File(Row("E10", supervisor: "E999")), ["line 2: supervisor_id: 'E999' is neither in this file nor in the directory"]),
            ("supervisor loop", File(Row("E10", supervisor: "E11"), Row("E11", supervisor: "E12"), Row("E12", supervisor: "E10")),
                ["line 2: supervisor_id: supervisor loop of 3 employee(s)", "line 3: supervisor_id: supervisor loop of 3", "line 4: supervisor_id: supervisor loop of 3"]),
            ("own supervisor", File(Row("E10", supervisor: "E10")), ["line 2: supervisor_id: supervisor loop of 1 employee(s): E10 -> E10"]),
            ("loop through the directory", File(Row("E2", supervisor: "E3", payPlan: "SES", grade: "")),
                ["line 2: supervisor_id: supervisor loop of 2 employee(s)"]),
            ("second head", File(Row("E10", supervisor: "")), ["line 2: supervisor_id: is empty, but only the head of the agency may have no supervisor"]),
            ("missing display name", File(Row("E10", name: "")), ["line 2: display_name: is required"]),
            ("missing employee id", File(Row(string.Empty, email: "someone@agency.example")), ["line 2: employee_id: is required"]),
            ("bad state", File(Row("E10", state: "XX")), ["line 2: duty_state: 'XX' is not a 2-letter USPS state code"]),
            ("display name too long", File(Row("E10", name: new string('a', 201))), ["line 2: display_name: is 201 characters long; at most 200 are allowed"]),
            ("organisation with an empty segment", File(Row("E10", org: "USCIS//Boston")), ["line 2: organization: 'USCIS//Boston'"]),
            ("bad status", File(Row("E10", status: "retired")), ["line 2: status: 'retired' is not one of active, on_leave, separated"]),
            ("unknown column", Header + ",nickname\n" + Row("E10") + ",Al\n", ["line 1: header: unknown column 'nickname'"]),
            ("missing column", Header.Replace(",status", string.Empty, StringComparison.Ordinal) + "\n" + Row("E10")[..^",active".Length] + "\n", ["line 1: header: missing column status"]),
            ("wrong number of fields", File(Row("E10") + ",extra"), ["line 2: row: has 13 fields but the header names 12 columns"]),
            ("stray quote", File("E10,Al \"the\" Pal,al@agency.example,1801,GS,12,Officer,USCIS,Boston,MA,E1,active"), ["line 2: row: a quote appears inside an unquoted field"]),
            ("empty file", string.Empty, ["line 1: header: the file is empty"]),
            ("every bad row, by physical line", File(
                    Row("E10", email: "bad"),
                    "E11,\"Two\nLines\",e11@agency.example,1801,GS,12,Officer,USCIS,Boston,MA,E1,active",
                    Row("E12", state: "ZZ"),
                    Row("E13", grade: "99")),
                ["line 2: email:", "line 3: display_name: contains a line break", "line 5: duty_state:", "line 6: grade:"]),
            ("cross-file problems next to a row's own", File(Row("E10", email: "bad"), Row("E11", supervisor: "E999"), Row("E12", supervisor: "E10"), Row("E13", email: "e11@agency.example")),
                ["line 2: email:", "line 3: supervisor_id: 'E999' is neither", "line 5: email: 'e11@agency.example' duplicates the email on line 3"]),
            ("a supervisor on a row with too many fields is not called missing", File(Row("E10") + ",extra", Row("E11", supervisor: "E10")),
                ["line 2: row: has 13 fields"]),
            ("control character", File(Row("E10", title: "Officer\u0007")), ["line 2: position_title: contains a line break or another control character"]),
        };

        var data = new TheoryData<DatabaseProvider, string, string, string[]>();
        foreach (var provider in AppPerDatabase.Providers)
        {
            foreach (var (name, file, expected) in cases)
            {
                data.Add(provider, name, file, expected);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task A_bad_file_is_refused_with_every_problem_and_applies_nothing(DatabaseProvider provider, string name, string file, string[] expected)
    {
        var app = fixture.App(provider);
        var before = await app.DirectoryAsync();

        var outcome = await app.ImportDirectoryAsync(file);

        Assert.False(outcome.Accepted, name);
        Assert.Equal(expected.Length, outcome.ProblemCount);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.StartsWith(expected[i], outcome.Problems[i], StringComparison.Ordinal);
        }

        Assert.Equal(before, await app.DirectoryAsync());
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Good_rows_next_to_a_bad_one_are_not_applied(DatabaseProvider provider)
    {
        var app = fixture.App(provider);
        var before = await app.DirectoryAsync();

        var outcome = await app.ImportDirectoryAsync(File(Row("E20"), Row("E21"), Row("E22", email: "broken"), Row("E3", name: "Renamed")));

        Assert.Equal(["line 4: email: 'broken' is not a valid email address"], outcome.Problems);
        Assert.Equal(before, await app.DirectoryAsync());
        Assert.Null(await app.FindEmployeeAsync("E20"));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_full_load_of_a_file_without_employees_is_refused(DatabaseProvider provider)
    {
        var app = fixture.App(provider);
        var before = await app.DirectoryAsync();

        var outcome = await app.ImportDirectoryAsync(Header + "\n", deactivateMissing: true);

        Assert.Equal(["line 1: file: has no employees; a full load of an empty file would mark the whole directory separated"], outcome.Problems);
        Assert.Equal(before, await app.DirectoryAsync());
    }

    [Fact]
    public async Task Bytes_that_are_not_utf8_are_refused()
    {
        var app = fixture.App(DatabaseProvider.Sqlite);
        var bytes = System.Text.Encoding.UTF8.GetBytes(File(Row("E10", name: "Jos~")));
        bytes[Array.IndexOf(bytes, (byte)'~')] = 0xE9; // Latin-1 é, invalid alone in UTF-8

        var outcome = await app.ImportDirectoryAsync(bytes);

        Assert.Equal(["line 2: display_name: is not valid UTF-8 text; save the file as CSV UTF-8"], outcome.Problems);
    }

    [Fact]
    public async Task A_huge_broken_file_reports_the_first_thousand_problems_and_counts_the_rest()
    {
        var app = fixture.App(DatabaseProvider.Sqlite);
        var rows = Enumerable.Range(100, 1500).Select(i => Row("E" + i, state: "ZZ")).ToArray();

        var outcome = await app.ImportDirectoryAsync(File(rows));

        Assert.Equal(1500, outcome.ProblemCount);
        Assert.Equal(1000, outcome.Problems.Count);
        Assert.StartsWith("line 2: duty_state:", outcome.Problems[0], StringComparison.Ordinal);
        Assert.Equal("500 more problems not shown (1500 in all)", outcome.OmittedProblemsLine);
    }
}
