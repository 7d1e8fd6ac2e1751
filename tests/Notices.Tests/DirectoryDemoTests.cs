using Notices.Cli;
using Notices.Identity.Database;
using Notices.Identity.StaffDirectory.Import;
using Notices.Testing;

namespace Notices.Tests;

public sealed class DirectoryDemoTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Directory_demo_loads_through_the_importer_and_a_second_run_changes_nothing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(database);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var first = await DirectoryCommands.DemoAsync(app.Services, 2_000, 7, new ImportOptions(), stdout, stderr, default);
        var second = await DirectoryCommands.DemoAsync(app.Services, 2_000, 7, new ImportOptions(), stdout, stderr, default);

        Assert.Equal(0, first);
        Assert.Equal(0, second);
        Assert.Equal(
            "added 2000, updated 0, deactivated 0, unchanged 0\nadded 0, updated 0, deactivated 0, unchanged 2000\n",
            stdout.ToString().ReplaceLineEndings("\n"));
        var directory = await app.DirectoryAsync();
        Assert.Equal(2_000, directory.Count);
        Assert.Single(directory, e => e.SupervisorId is null);
    }
}
