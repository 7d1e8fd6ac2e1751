using Notices.Cli;
using Notices.Hosting;

// The executable is both the service and its admin CLI: `Notices serve` (the default), `Notices db migrate`, ...
if (CommandLine.IsCommand(args))
{
    return await CommandLine.RunAsync(args);
}

var app = NoticesApp.Create(CommandLine.ServeArguments(args));
await app.RunAsync();
return 0;

/// <summary>The entry point, named so integration tests can host the app.</summary>
public partial class Program;
