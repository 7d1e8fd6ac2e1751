using Notices.Identity.Database;
using Notices.Identity.StaffDirectory;
using Notices.Testing;

namespace Notices.Tests.Audience;

/// <summary>A demo directory of 600 people per provider; test users sign in as the employee of the same id.</summary>
public sealed class AudienceFixture : IAsyncLifetime
{
    private readonly List<TestDatabase> _databases = [];
    private readonly Dictionary<DatabaseProvider, NoticesAppFactory> _apps = [];
    private readonly Dictionary<DatabaseProvider, List<StaffMember>> _everyone = [];

    public NoticesAppFactory App(DatabaseProvider provider) => _apps[provider];

    /// <summary>The whole directory, in employee id order.</summary>
    public IReadOnlyList<StaffMember> Everyone(DatabaseProvider provider) => _everyone[provider];

    public async Task InitializeAsync()
    {
        foreach (var provider in new[] { DatabaseProvider.Sqlite, DatabaseProvider.Postgres })
        {
            var database = await TestDatabase.CreateAsync(provider);
            _databases.Add(database);
            var settings = AudienceIntents.UserIsEmployeeSettings();
            settings["Notices:Demo:Enabled"] = "true";
            settings["Notices:Demo:Employees"] = "600";
            settings["Notices:Demo:Seed"] = "23";
            var app = new NoticesAppFactory(database, settings, configureServices: TestAuthentication.Use);
            _apps[provider] = app;
            using var client = app.CreateClient();
            _everyone[provider] = await app.DirectoryAsync();
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var app in _apps.Values)
        {
            await app.DisposeAsync();
        }

        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }
    }
}
