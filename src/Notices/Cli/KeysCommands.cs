using System.CommandLine;
using Notices.Hosting;
using Notices.Identity.Database;

namespace Notices.Cli;

/// <summary>`keys protect`: encrypts Data Protection keys stored in the clear with the configured certificate.</summary>
internal static class KeysCommands
{
    /// <param name="buildHost">How to build the host (tests pass their own settings); the service's host by default.</param>
    public static Command Create(Func<WebApplication>? buildHost = null)
    {
        var protect = new Command(
            "protect",
            "Encrypt every Data Protection key stored unencrypted with the certificate in Notices:DataProtection (run once after configuring it).");
        protect.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            await using var host = (buildHost ?? (() => CommandLine.BuildHost()))();
            var certificates = host.Services.GetRequiredService<KeyRingCertificates>();
            if (certificates.Problems.Count > 0 || certificates.Current is null)
            {
                await error.WriteLineAsync(certificates.Problems.Count > 0
                    ? string.Join(Environment.NewLine, certificates.Problems)
                    : $"Set {KeyProtectionOptions.Section}:CertificatePath or {KeyProtectionOptions.Section}:CertificateThumbprint first: keys are encrypted with that certificate.");
                return 1;
            }

            await host.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
            var count = await host.Services.GetRequiredService<KeyRingAtRest>().ProtectAsync(cancellationToken);
            await output.WriteLineAsync($"encrypted {count} key(s)");
            return 0;
        });

        return new Command("keys", "Data Protection key ring maintenance.") { protect };
    }
}
