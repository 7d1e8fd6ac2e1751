using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Notices.Identity.Database;
using Notices.Identity.StaffDirectory.Demo;
using Notices.Testing;

namespace Notices.Identity.Tests;

public sealed class DemoDirectoryLoaderTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task The_first_development_start_with_an_empty_directory_loads_the_demo(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var settings = new Dictionary<string, string> { ["Notices:Demo:Enabled"] = "true", ["Notices:Demo:Employees"] = "300", ["Notices:Demo:Seed"] = "3" };
        await using var app = new NoticesAppFactory(database, settings);
        using var client = app.CreateClient();

        Assert.Equal(300, (await app.DirectoryAsync()).Count);
    }

    [Fact]
    public async Task The_demo_is_never_loaded_in_production()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(database);
        using var client = app.CreateClient();
        // The loader as a Production host would run it, enabled, on this empty (migrated) directory.
        var production = new HostingEnvironment { EnvironmentName = Environments.Production };
        var loader = new DemoDirectoryLoader(
            app.Services.GetRequiredService<IServiceScopeFactory>(),
            production,
            Options.Create(new DemoOptions { Enabled = true, Employees = 300 }),
            NullLogger<DemoDirectoryLoader>.Instance);

        await loader.StartAsync(default);

        Assert.Empty(await app.DirectoryAsync());
    }

    [Fact]
    public async Task The_demo_is_not_loaded_when_disabled()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var settings = new Dictionary<string, string> { ["Notices:Demo:Enabled"] = "false", ["Notices:Demo:Employees"] = "300" };
        await using var app = new NoticesAppFactory(database, settings);
        using var client = app.CreateClient();

        Assert.Empty(await app.DirectoryAsync());
    }
}
