using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Notices.Identity.SignIn;

/// <summary>Which sign-in the service runs with, decided once from the environment and the AzureAd section (a singleton).</summary>
public sealed class SignInMode
{
    private SignInMode(SignInKind kind) => Kind = kind;

    internal SignInKind Kind { get; }

    public bool IsDevelopment => Kind == SignInKind.Development;

    public bool IsEntraId => Kind == SignInKind.EntraId;

    public static SignInMode From(IConfiguration configuration, IHostEnvironment environment)
    {
        if (configuration.GetSection(EntraIdOptions.Section).Exists())
        {
            return new SignInMode(SignInKind.EntraId);
        }

        // Development sign-in exists only in the Development environment; anywhere else without AzureAd the
        // service refuses to start (see SignInModule).
        return new SignInMode(environment.IsDevelopment() ? SignInKind.Development : SignInKind.Missing);
    }
}

internal enum SignInKind
{
    EntraId,
    Development,
    Missing,
}
