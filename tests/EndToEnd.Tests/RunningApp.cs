using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Notices.Testing;

namespace Notices.EndToEnd.Tests;

/// <summary>The service on a real Kestrel port on loopback, for a real browser.</summary>
internal static class RunningApp
{
    public static Uri Start(NoticesAppFactory factory)
    {
        factory.UseKestrel(0);
        factory.StartServer();
        var addresses = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()
            ?? throw new InvalidOperationException("The test server has no addresses.");
        return new Uri(addresses.Addresses.First());
    }
}
