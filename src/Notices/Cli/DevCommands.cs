using System.CommandLine;
using Notices.Identity.Database;
using Notices.Identity.SignIn;

namespace Notices.Cli;

/// <summary>`dev token`: a development bearer token for the API. Development without AzureAd only.</summary>
internal static class DevCommands
{
    /// <param name="buildHost">How to build the host (tests pass their own settings); the service's host by default.</param>
    public static Command Create(Func<WebApplication>? buildHost = null)
    {
        var employee = new Option<string>("--as")
        {
            Description = "Employee id of the person the token is for (must be in the staff directory).",
            Required = true,
        };
        var roles = new Option<string[]>("--role")
        {
            Description = "An app role to include (Notices.Author, Notices.Releaser, Notices.Admin); repeat for several.",
        };
        var lifetime = new Option<int?>("--lifetime")
        {
            Description = "Minutes until the token expires (default 60).",
        };

        var token = new Command("token", "Print a development bearer token for the API, and nothing else, on standard output.")
        {
            employee,
            roles,
            lifetime,
        };
        token.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            // Standard output carries only the token: every log line goes to standard error.
            await using var host = (buildHost ?? (() => CommandLine.BuildHost(["--Logging:Console:LogToStandardErrorThreshold=Trace", "--Logging:LogLevel:Default=Warning"])))();
            var mode = host.Services.GetRequiredService<SignInMode>();
            if (!mode.IsDevelopment)
            {
                await error.WriteLineAsync(
                    $"dev token is available only in the Development environment without an AzureAd section (environment: {host.Environment.EnvironmentName}).");
                return 1;
            }

            await host.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
            await using var scope = host.Services.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<IDevelopmentTokens>().IssueAsync(
                parseResult.GetRequiredValue(employee),
                parseResult.GetValue(roles) ?? [],
                parseResult.GetValue(lifetime),
                cancellationToken);
            if (result.Token is null)
            {
                await error.WriteLineAsync(result.Error);
                return 1;
            }

            await output.WriteLineAsync(result.Token);
            return 0;
        });

        return new Command("dev", "Development helpers (Development environment only).") { token };
    }
}
