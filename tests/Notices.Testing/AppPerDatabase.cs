using Microsoft.Extensions.DependencyInjection;
using Notices.Identity.Database;
using Xunit;

namespace Notices.Testing;

/// <summary>
/// A class fixture with one running app per database provider (SQLite and PostgreSQL), each on its own fresh database,
/// shared by the tests of one class. Subclasses say how the app is configured and what it starts with.
/// </summary>
public abstract class AppPerDatabase : IAsyncLifetime
{
    public static readonly IReadOnlyList<DatabaseProvider> Providers = [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    private readonly List<TestDatabase> _databases = [];
    private readonly Dictionary<DatabaseProvider, NoticesAppFactory> _apps = [];

    public NoticesAppFactory App(DatabaseProvider provider) => _apps[provider];

    /// <summary>The app's settings (the demo directory, test users...).</summary>
    protected virtual Dictionary<string, string> Settings() => [];

    /// <summary>Extra service registrations, such as <see cref="TestAuthentication.Use"/>.</summary>
    protected virtual Action<IServiceCollection>? ConfigureServices => null;

    /// <summary>Runs once per app after it has started (migrated, demo directory loaded): seed what the tests share.</summary>
    protected virtual Task SeedAsync(DatabaseProvider provider, NoticesAppFactory app) => Task.CompletedTask;

    /// <summary>A demo directory of <paramref name="employees"/> people, the same for a given <paramref name="seed"/>.</summary>
    protected static Dictionary<string, string> DemoDirectory(int employees, int seed) => new()
    {
        ["Notices:Demo:Enabled"] = "true",
        ["Notices:Demo:Employees"] = employees.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Notices:Demo:Seed"] = seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public async Task InitializeAsync()
    {
        foreach (var provider in Providers)
        {
            var database = await TestDatabase.CreateAsync(provider);
            _databases.Add(database);
            var app = new NoticesAppFactory(database, Settings(), configureServices: ConfigureServices);
            _apps[provider] = app;
            // Starts the host: migrations and the demo directory load run before the first request.
            using (app.CreateClient())
            {
            }

            await SeedAsync(provider, app);
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

        GC.SuppressFinalize(this);
    }
}
