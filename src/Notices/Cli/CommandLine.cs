using System.CommandLine;
using Notices.Hosting;

namespace Notices.Cli;

/// <summary>The admin CLI. Each command builds the same host as the service, without serving.</summary>
internal static class CommandLine
{
    private static readonly HashSet<string> Commands = new(StringComparer.Ordinal) { "db", "directory", "dev", "keys", "mail", "notices" };

    public static bool IsCommand(string[] args) => args.Length > 0 && Commands.Contains(args[0]);

    /// <summary>`serve` is the default command; everything else is passed to ASP.NET Core (e.g. --urls).</summary>
    public static string[] ServeArguments(string[] args) =>
        args.Length > 0 && args[0] == "serve" ? args[1..] : args;

    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("Notices: internal HR notices and volunteer sign-ups.")
        {
            new Command("serve", "Run the web service (the default)."),
            DbCommands.Create(),
            DirectoryCommands.Create(),
            DevCommands.Create(),
            KeysCommands.Create(),
            MailCommands.Create(),
            NoticeCommands.Create(),
        };

        return await root.Parse(args).InvokeAsync();
    }

    /// <summary>
    /// A host for a CLI command: the service's configuration and modules, never started. Logs go to standard error so
    /// standard output carries only a command's result. Run from a folder without appsettings.json (the installed
    /// executable called from elsewhere), the settings next to the executable are used.
    /// </summary>
    public static WebApplication BuildHost(string[]? extraArgs = null)
    {
        string[] args = ["--Logging:Console:LogToStandardErrorThreshold=Trace", .. extraArgs ?? []];
        var contentRoot = File.Exists(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"))
            ? null
            : AppContext.BaseDirectory;
        return NoticesApp.CreateBuilder(args, contentRoot).Build();
    }
}
