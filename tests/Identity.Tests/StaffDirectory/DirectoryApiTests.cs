using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Notices.Identity.Authorization;
using Notices.Identity.Database;
using Notices.Identity.StaffDirectory;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Notices.Testing;

namespace Notices.Identity.Tests;

/// <summary>A demo directory of 600 people per provider, read through the API and the pages.</summary>
public sealed class DirectoryApiFixture : AppPerDatabase
{
    protected override Dictionary<string, string> Settings() => DemoDirectory(600, seed: 11);

    protected override Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? ConfigureServices => TestAuthentication.Use;
}

public sealed partial class DirectoryApiTests(DirectoryApiFixture fixture) : IClassFixture<DirectoryApiFixture>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record Item(string EmployeeId, string DisplayName, string Email, string JobSeries, string PayPlan, int? Grade,
        string PositionTitle, string Organization, string DutyCity, string DutyState, string? SupervisorId, string Status);

    private sealed record ListResponse(int Total, int Page, int PageSize, List<Item> Items);

    private HttpClient Client(DatabaseProvider provider, params string[] roles)
    {
        var client = fixture.App(provider).CreateClient();
        return roles.Length == 0 ? client : client.As("E0000002", roles);
    }

    private static async Task<ListResponse> GetListAsync(HttpClient client, string query)
    {
        var response = await client.GetAsync(new Uri("/api/directory/employees" + query, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ListResponse>(Json))!;
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Pages_are_stable_disjoint_and_ordered_by_employee_id(DatabaseProvider provider)
    {
        using var client = Client(provider, NoticesRoles.Author);

        var first = await GetListAsync(client, "?page=1&pageSize=25");
        var second = await GetListAsync(client, "?page=2&pageSize=25");
        var last = await GetListAsync(client, "?page=24&pageSize=25");
        var beyond = await GetListAsync(client, "?page=25&pageSize=25");

        Assert.Equal(600, first.Total);
        Assert.Equal(25, first.Items.Count);
        Assert.Equal("E0000001", first.Items[0].EmployeeId);
        var ids = first.Items.Concat(second.Items).Select(i => i.EmployeeId).ToList();
        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
        Assert.Equal(50, ids.Distinct().Count());
        Assert.Equal("E0000600", last.Items[^1].EmployeeId);
        Assert.Empty(beyond.Items);
        Assert.Equal(50, (await GetListAsync(client, string.Empty)).Items.Count);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Filters_select_what_they_name(DatabaseProvider provider)
    {
        using var client = Client(provider, NoticesRoles.Admin);
        var everyone = await fixture.App(provider).DirectoryAsync();

        var series = await GetListAsync(client, "?series=1801,0930&pageSize=200");
        Assert.Equal(everyone.Count(e => e.JobSeries is "1801" or "0930"), series.Total);
        Assert.All(series.Items, i => Assert.Contains(i.JobSeries, new[] { "1801", "0930" }));

        var graded = await GetListAsync(client, "?payPlan=gs&grade=9-12&pageSize=200");
        Assert.Equal(everyone.Count(e => e.PayPlan == "GS" && e.Grade is >= 9 and <= 12), graded.Total);

        var exact = await GetListAsync(client, "?grade=13");
        Assert.Equal(everyone.Count(e => e.Grade == 13), exact.Total);

        var state = await GetListAsync(client, "?state=ca,md&status=active,on_leave&pageSize=200");
        Assert.Equal(everyone.Count(e => e.DutyState is "CA" or "MD" && e.Status != EmployeeStatus.Separated), state.Total);

        var separated = await GetListAsync(client, "?status=separated");
        Assert.All(separated.Items, i => Assert.Equal("separated", i.Status));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task The_org_filter_takes_a_subtree_by_whole_path_segments(DatabaseProvider provider)
    {
        using var client = Client(provider, NoticesRoles.Author);
        var everyone = await fixture.App(provider).DirectoryAsync();
        const string Field = "USCIS/Field Operations Directorate";

        var subtree = await GetListAsync(client, "?org=" + Uri.EscapeDataString(Field) + "&pageSize=200");
        var partial = await GetListAsync(client, "?org=" + Uri.EscapeDataString("USCIS/Field Operations Direct"));
        var root = await GetListAsync(client, "?org=USCIS");

        var expected = everyone.Count(e => e.Organization == Field || e.Organization.StartsWith(Field + "/", StringComparison.Ordinal));
        Assert.True(expected > 1);
        Assert.Equal(expected, subtree.Total);
        Assert.All(subtree.Items, i => Assert.StartsWith(Field, i.Organization, StringComparison.Ordinal));
        Assert.Equal(0, partial.Total);
        Assert.Equal(600, root.Total);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task The_read_contract_streams_with_include_and_exclude(DatabaseProvider provider)
    {
        var app = fixture.App(provider);
        var filter = new StaffFilter
        {
            Series = ["0930"],
            ExcludeOrganizations = ["USCIS/Refugee, Asylum and International Operations Directorate/Asylum Division"],
            IncludeEmployeeIds = ["E0000001"],
            ExcludeEmployeeIds = ["E0000002"],
        };

        var selected = await app.DirectoryAsync(filter);
        var everyone = await app.DirectoryAsync();

        var expected = everyone.Where(e =>
                (e.JobSeries == "0930" && !e.Organization.StartsWith("USCIS/Refugee, Asylum and International Operations Directorate/Asylum Division", StringComparison.Ordinal))
                || e.EmployeeId == "E0000001")
            .Where(e => e.EmployeeId != "E0000002")
            .Select(e => e.EmployeeId).ToList();
        Assert.Equal(expected, selected.Select(e => e.EmployeeId).ToList());
        Assert.Contains(selected, e => e.EmployeeId == "E0000001");
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task The_read_contract_finds_by_id_and_by_email_regardless_of_case(DatabaseProvider provider)
    {
        var app = fixture.App(provider);
        await using var scope = app.Services.CreateAsyncScope();
        var directory = scope.ServiceProvider.GetRequiredService<IStaffDirectory>();
        var head = (await directory.FindAsync("E0000001"))!;

        Assert.Equal(head, await directory.FindByEmailAsync(head.Email.ToUpperInvariant()));
        Assert.True(await directory.HasDirectReportsAsync(head.EmployeeId));
        Assert.Null(await directory.FindAsync("nobody"));
        var page = await directory.PageAsync(new StaffFilter(), 2, 10);
        Assert.Equal(600, page.Total);
        Assert.Equal("E0000011", page.Items[0].EmployeeId);
    }

    [Theory]
    [InlineData("?pageSize=500", "pageSize")]
    [InlineData("?pageSize=0", "pageSize")]
    [InlineData("?page=0", "page")]
    [InlineData("?page=abc", "page")]
    [InlineData("?series=18", "series")]
    [InlineData("?payPlan=ZZ", "payPlan")]
    [InlineData("?grade=20", "grade")]
    [InlineData("?grade=12-9", "grade")]
    [InlineData("?state=XX", "state")]
    [InlineData("?status=retired", "status")]
    public async Task A_bad_parameter_is_a_400_problem_naming_it(string query, string parameter)
    {
        using var client = Client(DatabaseProvider.Sqlite, NoticesRoles.Author);

        var response = await client.GetAsync(new Uri("/api/directory/employees" + query, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(parameter, out _));
    }

    [Fact]
    public async Task Anonymous_callers_get_401_and_people_without_a_directory_role_get_403()
    {
        using var anonymous = Client(DatabaseProvider.Sqlite);
        using var releaser = Client(DatabaseProvider.Sqlite, NoticesRoles.Releaser);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri("/api/directory/employees", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await releaser.GetAsync(new Uri("/api/directory/employees", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await releaser.GetAsync(new Uri("/directory", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task The_browse_page_shows_a_filtered_table()
    {
        using var client = Client(DatabaseProvider.Sqlite, NoticesRoles.Author);

        var html = await client.GetStringAsync(new Uri("/directory?state=MD&page=1", UriKind.Relative));

        Assert.Contains("<caption>Employees 1 to", html, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"col\">Employee id</th>", html, StringComparison.Ordinal);
        Assert.Contains("<label class=\"usa-label\" for=\"filter-state\">", html, StringComparison.Ordinal);
        Assert.Contains("E0000001", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Import the staff directory", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_browse_page_explains_a_bad_filter_instead_of_listing()
    {
        using var client = Client(DatabaseProvider.Sqlite, NoticesRoles.Admin);

        var html = await client.GetStringAsync(new Uri("/directory?grade=99", UriKind.Relative));

        Assert.Contains("Check the filters", html, StringComparison.Ordinal);
        Assert.Contains("href=\"#filter-grade\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<table", html, StringComparison.Ordinal);
        Assert.Contains("Import the staff directory", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_import_page_is_for_admins_only()
    {
        using var author = Client(DatabaseProvider.Sqlite, NoticesRoles.Author);
        using var admin = Client(DatabaseProvider.Sqlite, NoticesRoles.Admin);

        Assert.Equal(HttpStatusCode.Forbidden, (await author.GetAsync(new Uri("/directory/import", UriKind.Relative))).StatusCode);
        var page = await admin.GetStringAsync(new Uri("/directory/import", UriKind.Relative));
        Assert.Contains("at most 100 MB", page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task An_admin_uploads_a_file_and_sees_the_dry_run_summary_or_the_problems(DatabaseProvider provider)
    {
        using var admin = Client(provider, NoticesRoles.Admin);
        var before = await fixture.App(provider).DirectoryAsync();

        var dryRun = await UploadAsync(admin, DirectoryCsv.File(DirectoryCsv.Row("X1", supervisor: "E0000001")), dryRun: true);
        var refused = await UploadAsync(admin, DirectoryCsv.File(DirectoryCsv.Row("X1", supervisor: "E0000001", email: "nope"), DirectoryCsv.Row("X2", supervisor: "E0000001", state: "QQ")), dryRun: false);

        Assert.Contains("added 1, updated 0, deactivated 0, unchanged 0", dryRun, StringComparison.Ordinal);
        Assert.Contains("Dry run finished: nothing was applied", dryRun, StringComparison.Ordinal);
        Assert.Contains("The file was refused: nothing was applied", refused, StringComparison.Ordinal);
        Assert.Contains("line 2: email: &#x27;nope&#x27; is not a valid email address", refused, StringComparison.Ordinal);
        Assert.Contains("line 3: duty_state: &#x27;QQ&#x27;", refused, StringComparison.Ordinal);
        Assert.Equal(before, await fixture.App(provider).DirectoryAsync());
    }

    [Fact]
    public void The_upload_page_accepts_files_up_to_100_mb()
    {
        var endpoint = fixture.App(DatabaseProvider.Sqlite).Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Single(e => e.RoutePattern.RawText == "/directory/import");

        Assert.Equal(100_000_000, endpoint.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize);
        Assert.Equal(100_000_000, endpoint.Metadata.GetMetadata<IFormOptionsMetadata>()?.MultipartBodyLengthLimit);
    }

    [Fact]
    public async Task An_upload_without_the_antiforgery_token_is_rejected()
    {
        using var admin = Client(DatabaseProvider.Sqlite, NoticesRoles.Admin);
        using var form = new MultipartFormDataContent
        {
            { new StringContent("directory-import"), "_handler" },
            { new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(DirectoryCsv.File(DirectoryCsv.Row("X9")))), "file", "staff.csv" },
        };

        var response = await admin.PostAsync(new Uri("/directory/import", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(await fixture.App(DatabaseProvider.Sqlite).FindEmployeeAsync("X9"));
    }

    private static async Task<string> UploadAsync(HttpClient client, string csv, bool dryRun)
    {
        var page = await client.GetStringAsync(new Uri("/directory/import", UriKind.Relative));
        var token = AntiforgeryToken().Match(page).Groups[1].Value;
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent("directory-import"), "_handler" },
            { new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(csv)), "file", "staff.csv" },
        };
        if (dryRun)
        {
            form.Add(new StringContent("true"), "dryRun");
        }

        var response = await client.PostAsync(new Uri("/directory/import", UriKind.Relative), form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
