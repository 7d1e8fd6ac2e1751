using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Notices.Identity.Database;

namespace Notices.Testing;

/// <summary>
/// The whole service in memory, on a database of its own. Settings passed here reach the modules before they
/// register (host settings), so the provider, mail transport and data directory can all be chosen per test.
/// Feature tests add intent methods (<c>ImportDirectoryAsync</c>, <c>SignInAsync</c>...) as extensions.
/// </summary>
public sealed class NoticesAppFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly string _environment;
    private readonly Action<IServiceCollection>? _configureServices;

    public NoticesAppFactory(
        TestDatabase database,
        IReadOnlyDictionary<string, string>? settings = null,
        string environment = "Development",
        Action<IServiceCollection>? configureServices = null)
    {
        Database = database;
        _environment = environment;
        _configureServices = configureServices;
        _settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Notices:PublicBaseUrl"] = "https://notices.agency.example",
            ["Notices:Demo:Enabled"] = "false",
            ["Notices:Mail:From"] = "Notices <notices@agency.example>",
        };
        foreach (var (key, value) in database.Settings)
        {
            _settings[key] = value;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            _settings[key] = value;
        }

        if (environment != "Development")
        {
            AddProductionDefaults();
        }
    }

    public TestDatabase Database { get; }

    public DatabaseProvider Provider => Database.Provider;

    /// <summary>
    /// Starts the real host with these settings (no test server) and returns why it refused to start, or null.
    /// For start-up validation tests: WebApplicationFactory's deferred entry point can race a start that fails at once
    /// and report the host as disposed instead of the validation error.
    /// </summary>
    public async Task<Exception?> StartupErrorAsync()
    {
        string[] args = ["--environment=" + _environment, .. _settings.Select(s => $"--{s.Key}={s.Value}")];
        Exception? error = null;
        try
        {
            await using var app = global::Notices.Hosting.NoticesApp.CreateBuilder(args).Build();
            await app.StartAsync();
            await app.StopAsync();
        }
        catch (Exception e)
        {
            error = e;
        }

        return error;
    }

    /// <summary>
    /// Outside Development the service insists on what production needs. Unless a test sets them (an empty value
    /// unsets), a test host gets: a key ring certificate, the file mailbox allowed (nothing leaves a test), and
    /// TestServer's own host name allowed.
    /// </summary>
    private void AddProductionDefaults()
    {
        if (!_settings.ContainsKey("Notices:DataProtection:CertificatePath") && !_settings.ContainsKey("Notices:DataProtection:CertificateThumbprint"))
        {
            foreach (var (key, value) in TestCertificates.KeyRing.Settings)
            {
                _settings[key] = value;
            }
        }

        _settings.TryAdd("Notices:Mail:AllowFileTransportOutsideDevelopment", "true");
        _settings.TryAdd("AllowedHosts", "localhost");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_configureServices is not null)
        {
            builder.ConfigureServices(_configureServices);
        }
    }
}
