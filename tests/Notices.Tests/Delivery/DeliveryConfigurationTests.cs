using Notices.Identity.Database;
using Notices.Testing;

namespace Notices.Tests.Delivery;

/// <summary>Wrong delivery settings stop the service at start-up with a message naming the key.</summary>
public sealed class DeliveryConfigurationTests
{
    [Theory]
    [InlineData("Notices:Mail:Workers", "100")]
    [InlineData("Notices:Mail:Delivery:ClaimBatchSize", "0")]
    [InlineData("Notices:Mail:Delivery:MaxAttempts", "0")]
    [InlineData("Notices:Mail:Delivery:LeaseDuration", "00:00:00")]
    [InlineData("Notices:Mail:Delivery:InFlightPolicy", "Sometimes")]
    [InlineData("Notices:Mail:Delivery:RetryCap", "00:00:00.001")]
    [InlineData("Notices:Mail:Throttle:PerSecond", "-1")]
    public async Task Invalid_delivery_setting_stops_the_service_naming_the_key(string key, string value)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var settings = new Dictionary<string, string>(database.Settings)
        {
            ["Notices:PublicBaseUrl"] = "https://notices.agency.example",
            ["Notices:Demo:Enabled"] = "false",
            [key] = value,
        };

        // The real host and its real start, without WebApplicationFactory: its deferred entry point can race a start
        // that fails at once and report the host as disposed instead of the validation error.
        string[] args = ["--environment=Development", .. settings.Select(s => $"--{s.Key}={s.Value}")];
        await using var app = global::Notices.Hosting.NoticesApp.CreateBuilder(args).Build();
        var error = await Record.ExceptionAsync(() => app.StartAsync());

        Assert.NotNull(error);
        Assert.Contains(key, Flatten(error), StringComparison.Ordinal);
    }

    private static string Flatten(Exception error)
    {
        var messages = new List<string>();
        for (var e = error; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
            if (e is AggregateException aggregate)
            {
                messages.AddRange(aggregate.InnerExceptions.Select(inner => inner.ToString()));
            }
        }

        return string.Join(" | ", messages);
    }
}
