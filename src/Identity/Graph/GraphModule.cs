using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Identity.Abstractions;
using Microsoft.Identity.Web;
using Microsoft.Identity.Web.TokenCacheProviders.InMemory;

namespace Notices.Identity.Graph;

/// <summary>
/// Graph plumbing shared by directory sync and Graph mail: <see cref="GraphOptions"/>, the app's client-credentials
/// token through Microsoft.Identity.Web (settings from the <c>AzureAd</c> section: Instance, TenantId, ClientId,
/// ClientSecret or ClientCertificates), and <see cref="IGraphClientFactory"/>. Safe to call more than once.
/// </summary>
public static class GraphModule
{
    public static IHostApplicationBuilder AddGraph(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(GraphClientFactory)))
        {
            return builder;
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<GraphOptions>()
            .BindConfiguration(GraphOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<GraphOptions>, GraphOptionsValidator>();

        services.AddTransient<GraphRetryHandler>();
        services.AddHttpClient(GraphClientFactory.HttpClientName).AddHttpMessageHandler<GraphRetryHandler>();

        // App-only tokens through Identity.Web's token acquisition, with their own named options so the sign-in
        // schemes are left alone.
        services.AddTokenAcquisition(isTokenAcquisitionSingleton: true);
        services.AddInMemoryTokenCaches();
        var azureAd = builder.Configuration.GetSection("AzureAd");
        services.AddOptions<MicrosoftIdentityApplicationOptions>(GraphAccessTokenProvider.IdentityOptionsName)
            .Bind(azureAd)
            .Configure(options => AddClientCredentials(options, azureAd));

        services.AddSingleton<GraphAccessTokenProvider>();
        services.AddSingleton<GraphClientFactory>();
        services.AddSingleton<IGraphClientFactory>(sp => sp.GetRequiredService<GraphClientFactory>());
        return builder;
    }

    /// <summary>The <c>AzureAd:ClientSecret</c> and <c>AzureAd:ClientCertificates</c> spellings of the sign-in settings.</summary>
    private static void AddClientCredentials(MicrosoftIdentityApplicationOptions options, IConfigurationSection azureAd)
    {
        if (options.ClientCredentials?.Any() == true)
        {
            return;
        }

        var credentials = new List<CredentialDescription>();
        var certificates = azureAd.GetSection("ClientCertificates");
        if (certificates.Exists())
        {
            credentials.AddRange(certificates.Get<List<CredentialDescription>>() ?? []);
        }

        if (azureAd["ClientSecret"] is { Length: > 0 } secret)
        {
            credentials.Add(new CredentialDescription { SourceType = CredentialSource.ClientSecret, ClientSecret = secret });
        }

        options.ClientCredentials = credentials;
    }
}
