using Microsoft.Extensions.DependencyInjection;
using Notices.Testing;

namespace Notices.Tests.Delivery;

/// <summary>Settings for delivery tests: a test relay, a worker pool and short polls and back-offs.</summary>
internal static class DeliverySettings
{
    public static Dictionary<string, string> For(int smtpPort, int workers = 4, string policy = "AtLeastOnce", int perSecond = 0, int perMinute = 0, int batch = 20)
    {
        var settings = MailIntents.SmtpSettings(smtpPort);
        settings["Notices:Mail:Workers"] = workers.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Notices:Mail:Delivery:ClaimBatchSize"] = batch.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Notices:Mail:Delivery:IdlePollInterval"] = "00:00:00.100";
        settings["Notices:Mail:Delivery:RetryBase"] = "00:00:00.050";
        settings["Notices:Mail:Delivery:RetryCap"] = "00:00:00.200";
        settings["Notices:Mail:Delivery:InFlightPolicy"] = policy;
        settings["Notices:Mail:Throttle:PerSecond"] = perSecond.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Notices:Mail:Throttle:PerMinute"] = perMinute.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return settings;
    }

    /// <summary>The test sign-in scheme (X-Test-User / X-Test-Roles headers).</summary>
    public static void Services(IServiceCollection services) => TestAuthentication.Use(services);
}
