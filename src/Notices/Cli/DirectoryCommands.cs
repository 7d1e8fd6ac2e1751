using System.CommandLine;
using System.Globalization;
using Notices.Identity.Audit;
using Notices.Identity.Database;
using Notices.Identity.StaffDirectory.Demo;
using Notices.Identity.StaffDirectory.Import;
using Notices.Identity.StaffDirectory.Sync;
using Spectre.Console;

namespace Notices.Cli;

/// <summary>
/// `directory import FILE [--dry-run] [--deactivate-missing]` and `directory demo [--employees N] [--seed S] [--output FILE]`.
/// Results go to standard output (the summary line, or one line per problem); progress and messages to standard error.
/// </summary>
internal static class DirectoryCommands
{
    public const int Refused = 2;
    public const int Failed = 1;

    public static Command Create()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The CSV file (UTF-8, header row naming the columns)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Check the file and count the changes; apply nothing." };
        var deactivateMissing = new Option<bool>("--deactivate-missing") { Description = "A full load: mark employees missing from the file as separated." };
        var import = new Command("import", "Import the staff directory from a CSV file, all or nothing.") { file, dryRun, deactivateMissing };
        import.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!.FullName;
            if (!File.Exists(path))
            {
                await Console.Error.WriteLineAsync($"error: no such file: {path}");
                return Failed;
            }

            return await WithHostAsync(
                services => ImportAsync(services, path, new ImportOptions(parse.GetValue(dryRun), parse.GetValue(deactivateMissing)), Console.Out, Console.Error, cancellationToken));
        });

        var employees = new Option<int>("--employees") { Description = "How many employees.", DefaultValueFactory = _ => DemoDirectory.DefaultEmployees };
        var seed = new Option<long>("--seed") { Description = "The same seed gives the same directory.", DefaultValueFactory = _ => 1 };
        var output = new Option<FileInfo?>("--output") { Description = "Write the CSV to this file instead of loading it." };
        var demo = new Command("demo", "Generate the deterministic demo directory and load it through the importer.") { employees, seed, output, dryRun, deactivateMissing };
        demo.SetAction(async (parse, cancellationToken) =>
        {
            var count = parse.GetValue(employees);
            if (count < 1)
            {
                await Console.Error.WriteLineAsync("error: --employees must be at least 1");
                return Failed;
            }

            if (parse.GetValue(output) is { } target)
            {
                await WriteDemoAsync(target.FullName, count, parse.GetValue(seed), Console.Error);
                return 0;
            }

            var options = new ImportOptions(parse.GetValue(dryRun), parse.GetValue(deactivateMissing));
            return await WithHostAsync(services => DemoAsync(services, count, parse.GetValue(seed), options, Console.Out, Console.Error, cancellationToken));
        });

        var fullSync = new Option<bool>("--full") { Description = "Read every user instead of the changes since the last sync." };
        var sync = new Command("sync", "Sync the staff directory from Microsoft Graph (Entra ID), all or nothing.") { fullSync };
        sync.SetAction(async (parse, cancellationToken) =>
            await WithHostAsync(services => SyncAsync(services, parse.GetValue(fullSync), Console.Out, Console.Error, cancellationToken)));

        return new Command("directory", "The staff directory.") { import, demo, sync };
    }

    /// <summary>Imports <paramref name="path"/>; the CLI's behaviour without the argument parsing, for tests.</summary>
    public static async Task<int> ImportAsync(IServiceProvider services, string path, ImportOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            await stderr.WriteLineAsync($"error: no such file: {path}");
            return Failed;
        }

        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        await using var scope = services.CreateAsyncScope();
        var importer = scope.ServiceProvider.GetRequiredService<IDirectoryImporter>();
        var outcome = await importer.ImportAsync(stream, options, Progress(stderr), cancellationToken);
        await TellObserversAsync(scope.ServiceProvider, Path.GetFileName(path), outcome, cancellationToken);
        return await ReportAsync(outcome, stdout, stderr);
    }

    /// <summary>`directory sync [--full]` without the argument parsing, for tests.</summary>
    public static async Task<int> SyncAsync(IServiceProvider services, bool full, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<IDirectorySync>().SyncAsync(full, Progress(stderr), cancellationToken);
        await stderr.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"Directory sync ({outcome.Mode}): {outcome.UsersRead} user(s) read from Graph, {outcome.Skipped} without an employee id skipped."));
        if (outcome.Error is { } error)
        {
            await stderr.WriteLineAsync($"error: {error.TrimEnd('.')}; nothing was applied.");
            return Failed;
        }

        await TellObserversAsync(scope.ServiceProvider, "Microsoft Graph", outcome.Import!, cancellationToken);
        return await ReportAsync(outcome.Import!, stdout, stderr, "The sync was refused");
    }

    /// <summary>The audit trail (and any other observer) hears of a command-line import as of one from the portal.</summary>
    private static async Task TellObserversAsync(IServiceProvider services, string fileName, ImportOutcome outcome, CancellationToken cancellationToken)
    {
        var finished = new DirectoryImportFinished("cli:" + Environment.UserName, null, fileName, AuditChannel.Cli, outcome);
        foreach (var observer in services.GetServices<IDirectoryImportObserver>())
        {
            await observer.ImportFinishedAsync(finished, cancellationToken);
        }
    }

    public static async Task<int> DemoAsync(IServiceProvider services, int employees, long seed, ImportOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        await stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Generating {employees} demo employees (seed {seed})..."));
        await using var scope = services.CreateAsyncScope();
        var outcome = await DemoDirectory.LoadAsync(scope.ServiceProvider, employees, seed, options, Progress(stderr), cancellationToken);
        return await ReportAsync(outcome, stdout, stderr);
    }

    public static async Task WriteDemoAsync(string path, int employees, long seed, TextWriter stderr)
    {
        var rows = DemoDirectory.Generate(employees, seed);
        await using (var writer = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(false)))
        {
            DemoDirectory.WriteCsv(rows, writer);
        }

        await stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Wrote {rows.Count} employees to {path}"));
    }

    private static async Task<int> ReportAsync(ImportOutcome outcome, TextWriter stdout, TextWriter stderr, string refused = "The file was refused")
    {
        if (!outcome.Accepted)
        {
            foreach (var problem in outcome.Problems)
            {
                await stdout.WriteLineAsync(problem);
            }

            if (outcome.OmittedProblemsLine is { } omitted)
            {
                await stdout.WriteLineAsync(omitted);
            }

            await stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{refused} ({outcome.ProblemCount} problem(s)); nothing was applied."));
            return Refused;
        }

        if (outcome.DryRun)
        {
            await stderr.WriteLineAsync("Dry run: nothing was applied.");
        }

        await stdout.WriteLineAsync(outcome.Summary);
        return 0;
    }

    private static Progress<ImportProgress> Progress(TextWriter stderr)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stderr) });
        return new SynchronousProgress(p => console.MarkupLine(string.Create(
            CultureInfo.InvariantCulture,
            $"[grey]{Markup.Escape(p.Stage)}: {p.Rows:N0} rows[/]")));
    }

    private static async Task<int> WithHostAsync(Func<IServiceProvider, Task<int>> action)
    {
        try
        {
            // Logs go to standard error: standard output carries only the result.
            await using var host = CommandLine.BuildHost(["--Logging:Console:LogToStandardErrorThreshold=Trace"]);
            await host.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
            return await action(host.Services);
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("error: cancelled; nothing was applied.");
            return Failed;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await Console.Error.WriteLineAsync($"error: {e.GetBaseException().Message}");
            return Failed;
        }
    }

    /// <summary>Reports on the caller's thread, so progress lines come out in order.</summary>
    private sealed class SynchronousProgress(Action<ImportProgress> report) : Progress<ImportProgress>
    {
        protected override void OnReport(ImportProgress value) => report(value);
    }
}
