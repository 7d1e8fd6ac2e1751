using Notices.Identity.Database;
using Notices.Testing;

namespace Notices.Tests;

public sealed class ConfigurationTests
{
    [Fact]
    public async Task Unknown_database_provider_stops_the_service_naming_the_key()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(database, new Dictionary<string, string> { ["Notices:Database:Provider"] = "Oracle" });

        var error = await app.StartupErrorAsync();

        Assert.NotNull(error);
        Assert.Contains("Notices:Database:Provider", Flatten(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Postgres_without_a_connection_string_stops_the_service_naming_the_key()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(database, new Dictionary<string, string>
        {
            ["Notices:Database:Provider"] = "Postgres",
            ["ConnectionStrings:Notices"] = "",
        });

        var error = await app.StartupErrorAsync();

        Assert.NotNull(error);
        Assert.Contains("ConnectionStrings:Notices", Flatten(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outside_development_the_public_base_url_must_be_https()
    {
        await using var authority = await FakeEntraAuthority.StartAsync();
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var settings = new Dictionary<string, string>(authority.Settings) { ["Notices:PublicBaseUrl"] = "http://notices.agency.example" };
        await using var app = new NoticesAppFactory(database, settings, "Production");

        var error = await app.StartupErrorAsync();

        Assert.NotNull(error);
        Assert.Contains("Notices:PublicBaseUrl must be an https URL outside Development", Flatten(error), StringComparison.Ordinal);
    }

    private static string Flatten(Exception error) =>
        string.Join(" | ", Enumerate(error).Select(e => e.Message));

    private static IEnumerable<Exception> Enumerate(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Enumerate))
                {
                    yield return inner;
                }
            }
        }
    }
}
