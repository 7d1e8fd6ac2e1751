using System.CommandLine;
using System.Net;
using Notices.Cli;
using Notices.Hosting;
using Notices.Identity.Authorization;
using Notices.Identity.Database;
using Notices.Testing;

namespace Notices.Tests;

/// <summary>`Notices dev token`, run through the real command against the test's database and data directory.</summary>
public sealed class SignInCliTests
{
    private static readonly TestEmployee Alice = new("E100", "Alice Analyst", "alice.analyst@agency.example");

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Dev_token_prints_only_a_token_that_the_api_accepts_with_the_employee_and_roles(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(database);
        await app.SeedEmployeesAsync(Alice);

        var (exit, output, error) = await RunAsync(database, "Development", "dev", "token", "--as", "E100", "--role", NoticesRoles.Author, "--role", "Releaser");

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var token = Assert.Single(lines).Trim();
        Assert.Equal(3, token.Split('.').Length);

        using var client = app.CreateBearerClient(token);
        var me = await client.GetMeAsync();
        Assert.NotNull(me);
        Assert.Equal("E100", me.EmployeeId);
        Assert.Equal("Alice Analyst", me.Name);
        Assert.Equal([NoticesRoles.Author, NoticesRoles.Releaser], me.Roles);
        Assert.False(me.Supervisor);
    }

    [Fact]
    public async Task Dev_token_refuses_an_unknown_employee_and_an_unknown_role_with_nothing_on_stdout()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(database);
        await app.SeedEmployeesAsync(Alice);

        var unknownEmployee = await RunAsync(database, "Development", "dev", "token", "--as", "E999");
        var unknownRole = await RunAsync(database, "Development", "dev", "token", "--as", "E100", "--role", "Notices.Superuser");
        var tooLong = await RunAsync(database, "Development", "dev", "token", "--as", "E100", "--lifetime", "100000");

        Assert.Equal(1, unknownEmployee.Exit);
        Assert.Equal("", unknownEmployee.Output);
        Assert.Contains("E999", unknownEmployee.Error, StringComparison.Ordinal);
        Assert.Equal(1, unknownRole.Exit);
        Assert.Equal("", unknownRole.Output);
        Assert.Contains("Notices.Superuser", unknownRole.Error, StringComparison.Ordinal);
        Assert.Equal(1, tooLong.Exit);
        Assert.Equal("", tooLong.Output);
        Assert.Contains("--lifetime", tooLong.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public async Task Dev_token_is_refused_outside_development(string environment)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);

        var (exit, output, error) = await RunAsync(database, environment, "dev", "token", "--as", "E100");

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Contains("only in the Development environment", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(database.DataDirectory, "dev-signing.key")));
    }

    [Fact]
    public async Task Dev_token_is_refused_in_development_when_entra_id_is_configured()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);

        var (exit, output, _) = await RunAsync(
            database, "Development", ["--AzureAd:Instance=https://login.microsoftonline.com/", "--AzureAd:TenantId=t", "--AzureAd:ClientId=c"],
            "dev", "token", "--as", "E100");

        Assert.Equal(1, exit);
        Assert.Equal("", output);
    }

    [Fact]
    public async Task Development_signing_key_is_created_on_first_use_readable_only_by_its_owner()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(database);
        await app.SeedEmployeesAsync(Alice);
        var keyFile = Path.Combine(database.DataDirectory, "dev-signing.key");
        Assert.False(File.Exists(keyFile));

        var token = await app.IssueDevelopmentTokenAsync("E100");

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        }

        Assert.Equal(32, Convert.FromBase64String(await File.ReadAllTextAsync(keyFile)).Length);
        using var client = app.CreateBearerClient(token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/api/me", UriKind.Relative))).StatusCode);
    }

    private static Task<(int Exit, string Output, string Error)> RunAsync(TestDatabase database, string environment, params string[] args) =>
        RunAsync(database, environment, [], args);

    /// <summary>The `dev` command as Program runs it, with a host built from the test's settings and stdout/stderr captured.</summary>
    private static async Task<(int Exit, string Output, string Error)> RunAsync(
        TestDatabase database, string environment, string[] extraSettings, params string[] args)
    {
        string[] hostArgs =
        [
            "--environment", environment,
            .. database.Settings.Select(s => $"--{s.Key}={s.Value}"),
            "--Notices:Demo:Enabled=false",
            "--Logging:Console:LogToStandardErrorThreshold=Trace",
            "--Logging:LogLevel:Default=Warning",
            .. extraSettings,
        ];
        var root = new RootCommand { DevCommands.Create(() => NoticesApp.CreateBuilder(hostArgs).Build()) };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
