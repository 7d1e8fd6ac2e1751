using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Notices.Identity.Database;
using Notices.Testing;

namespace Notices.Tests;

/// <summary>Mail and public URL settings are checked at start-up, with messages naming the key.</summary>
public sealed class MailConfigurationTests
{
    [Theory]
    [InlineData("Notices:Mail:Smtp:Host", "Notices:Mail:Transport=Smtp")]
    [InlineData("Notices:Mail:From", "Notices:Mail:Transport=Smtp", "Notices:Mail:Smtp:Host=relay.agency.example", "Notices:Mail:From=")]
    [InlineData("Notices:Mail:From", "Notices:Mail:From=not an address")]
    [InlineData("Notices:Mail:Smtp:Port", "Notices:Mail:Smtp:Port=70000")]
    [InlineData("Notices:Mail:Smtp:Password", "Notices:Mail:Transport=Smtp", "Notices:Mail:Smtp:Host=relay.agency.example", "Notices:Mail:Smtp:UserName=notices")]
    [InlineData("Notices:PublicBaseUrl", "Notices:PublicBaseUrl=ftp://notices.agency.example")]
    [InlineData("Notices:PublicBaseUrl", "Notices:PublicBaseUrl=/relative")]
    public async Task A_wrong_mail_setting_stops_start_up_naming_the_key(string key, params string[] settings)
    {
        await using var host = MailTestHost.Create(settings.Select(s => s.Split('=', 2)).ToDictionary(p => p[0], p => p[1]));

        var exception = Assert.ThrowsAny<OptionsValidationException>(host.ValidateOptions);

        Assert.Contains(key, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Public_base_url_is_required_outside_development()
    {
        await using var host = MailTestHost.Create(
            new Dictionary<string, string> { ["Notices:PublicBaseUrl"] = "", ["Notices:Mail:AllowFileTransportOutsideDevelopment"] = "true" },
            environment: "Production");

        var exception = Assert.ThrowsAny<OptionsValidationException>(host.ValidateOptions);

        Assert.Contains("Notices:PublicBaseUrl is required", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_service_refuses_to_start_with_an_smtp_transport_and_no_host()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(database, new Dictionary<string, string> { ["Notices:Mail:Transport"] = "Smtp" });

        // The real host, not the factory's deferred start, which can report a start that fails at once as a disposed host.
        var exception = await app.StartupErrorAsync();
        Assert.NotNull(exception);

        Assert.Contains("Notices:Mail:Smtp:Host is required", exception!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Defaults_are_the_file_mailbox_and_a_valid_configuration()
    {
        await using var host = MailTestHost.Create();

        host.ValidateOptions();

        Assert.Equal("File", host.Transport.Name);
        Assert.Equal(new Uri("https://notices.agency.example/"), host.Links.Home);
        Assert.Equal(new Uri("https://notices.agency.example/directory"), host.Links.To("/directory"));
        Assert.Throws<ArgumentException>(() => host.Links.To("//evil.example/x"));
        Assert.Throws<ArgumentException>(() => host.Links.To("https://evil.example/x"));
    }
}
