using Notices.Identity.Database;
using Notices.Identity.StaffDirectory;
using Notices.Testing;

namespace Notices.Tests.Audience;

/// <summary>A demo directory of 600 people per provider; test users sign in as the employee of the same id.</summary>
public sealed class AudienceFixture : AppPerDatabase
{
    private readonly Dictionary<DatabaseProvider, List<StaffMember>> _everyone = [];

    /// <summary>The whole directory, in employee id order.</summary>
    public IReadOnlyList<StaffMember> Everyone(DatabaseProvider provider) => _everyone[provider];

    protected override Dictionary<string, string> Settings()
    {
        var settings = AudienceIntents.UserIsEmployeeSettings();
        foreach (var (key, value) in DemoDirectory(600, seed: 23))
        {
            settings[key] = value;
        }

        return settings;
    }

    protected override Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? ConfigureServices => TestAuthentication.Use;

    protected override async Task SeedAsync(DatabaseProvider provider, NoticesAppFactory app) => _everyone[provider] = await app.DirectoryAsync();
}
