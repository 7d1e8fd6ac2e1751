using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Running;
using Notices.Benchmarks;
using Notices.Identity.Database;
using Notices.Identity.StaffDirectory.Demo;

// `import-quick [--rows N] [--provider sqlite|postgres|both]`: one timed run each, in seconds rather than minutes.
// Anything else goes to BenchmarkDotNet (e.g. `--filter *Import*`).
if (args.Length > 0 && args[0] == "import-quick")
{
    var rows = Option("--rows", 250_000);
    var providerArg = OptionText("--provider", "both");
    var providers = providerArg switch
    {
        "sqlite" => new[] { DatabaseProvider.Sqlite },
        "postgres" => [DatabaseProvider.Postgres],
        _ => ImportSubject.PostgresAdmin is null ? [DatabaseProvider.Sqlite] : [DatabaseProvider.Sqlite, DatabaseProvider.Postgres],
    };

    var data = DemoDirectory.Generate(rows, 1);
    using var stream = DemoDirectory.ToCsvStream(data);
    var csv = stream.ToArray();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rows:N0} demo rows, {csv.Length / 1_000_000.0:F1} MB of CSV"));
    var parse = await ImportSubject.TimeAsync(() =>
    {
        using var input = new MemoryStream(csv, writable: false);
        var problems = new Notices.Identity.StaffDirectory.Import.ImportProblems();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var records = Notices.Identity.StaffDirectory.Import.DirectoryCsvReader.Read(input, problems, ids, null, default)!;
        Notices.Identity.StaffDirectory.Import.DirectoryValidator.Validate(records, ids, new Dictionary<string, Notices.Identity.StaffDirectory.Import.DirectoryRecord>(), false, problems);
        return Task.CompletedTask;
    });
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"parse + all checks, no database: {parse.TotalSeconds:F2} s, {rows / parse.TotalSeconds:N0} rows/s"));
    foreach (var provider in providers)
    {
        await using var subject = await ImportSubject.CreateAsync(provider);
        var baseline = await ImportSubject.TimeAsync(() => subject.BaselineAsync(data));
        Process.GetCurrentProcess().Refresh();
        var before = Process.GetCurrentProcess().PeakWorkingSet64;
        string summary = string.Empty;
        var import = await ImportSubject.TimeAsync(async () => summary = (await subject.ImportAsync(csv)).Summary);
        var reimport = await ImportSubject.TimeAsync(async () => _ = await subject.ImportAsync(csv));
        using var process = Process.GetCurrentProcess();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            {provider}:
              import (parse + validate + apply, empty directory): {import.TotalSeconds:F2} s, {rows / import.TotalSeconds:N0} rows/s ({summary})
              re-import, all unchanged:                          {reimport.TotalSeconds:F2} s, {rows / reimport.TotalSeconds:N0} rows/s
              baseline ({(provider == DatabaseProvider.Postgres ? "binary COPY into a bare table" : "prepared INSERTs, one transaction, bare table")}): {baseline.TotalSeconds:F2} s, {rows / baseline.TotalSeconds:N0} rows/s
              ratio import/baseline time: {import.TotalSeconds / baseline.TotalSeconds:F2}x
              peak working set: {process.PeakWorkingSet64 / 1_048_576.0:N0} MB (before the import: {before / 1_048_576.0:N0} MB)
            """));
    }

    return 0;
}

// `release-quick [--rows N] [--provider sqlite|postgres|both]`: audience resolution and queueing against a baseline.
if (args.Length > 0 && args[0] == "release-quick")
{
    var rows = Option("--rows", 250_000);
    var providers = OptionText("--provider", "both") switch
    {
        "sqlite" => new[] { DatabaseProvider.Sqlite },
        "postgres" => [DatabaseProvider.Postgres],
        _ => ImportSubject.PostgresAdmin is null ? [DatabaseProvider.Sqlite] : [DatabaseProvider.Sqlite, DatabaseProvider.Postgres],
    };
    await ReleaseQuick.RunAsync(rows, providers);
    return 0;
}

// `dashboard-quick [--people N] [--responses N] [--roster N] [--runs N]`: the per-notice dashboard of a real release on
// PostgreSQL, beside a GROUP BY baseline, then the roster's memory while streaming.
if (args.Length > 0 && args[0] == "dashboard-quick")
{
    await DashboardQuick.RunAsync(Option("--people", 250_000), Option("--responses", 20_000), Option("--roster", 50_000), Option("--runs", 30));
    return 0;
}

// `roster-memory [--rows N]`: the roster writers alone on generated rows, with peak memory.
if (args.Length > 0 && args[0] == "roster-memory")
{
    await DashboardQuick.WritersOnlyAsync(Option("--rows", 50_000));
    return 0;
}

// `signup-load [--people N] [--tokens N] [--provider sqlite|postgres] [--duration 20s] [--connections 64] [--threads 2]`:
// GET /s/{token} on the real service under wrk, beside bare Kestrel.
if (args.Length > 0 && args[0] == "signup-load")
{
    var provider = OptionText("--provider", "postgres") == "sqlite" ? DatabaseProvider.Sqlite : DatabaseProvider.Postgres;
    return await SignupLoad.RunAsync(
        Option("--people", 20_000), Option("--tokens", 2_000), provider, OptionText("--duration", "20s")!, Option("--connections", 64), Option("--threads", 2));
}

// `smtp-load --port P [--host H] [--messages N] [--connections W] [--pipelining on|off]`: see bench/smtp-sink.sh.
if (args.Length > 0 && args[0] == "smtp-load")
{
    return await SmtpLoad.RunAsync(
        OptionText("--host", "127.0.0.1")!, Option("--port", 2525), Option("--messages", 20_000), Option("--connections", 4),
        OptionText("--pipelining", "on") == "on");
}

// `notice-email-quick [--messages N]`: per-message microseconds of each step, single thread, no BenchmarkDotNet.
if (args.Length > 0 && args[0] == "notice-email-quick")
{
    var n = Option("--messages", 5_000);
    var bench = new NoticeEmailBenchmarks();
    bench.Setup();
    var prepare = new NoticeEmailPrepareBenchmarks();
    prepare.Setup();
    void Time(string name, int count, Action action)
    {
        for (var i = 0; i < Math.Min(count, 500); i++)
        {
            action();
        }

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            action();
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-45} {clock.Elapsed.TotalMicroseconds / count,10:F1} us"));
    }

    Time("new MimeMessage()", n, () => new MimeKit.MimeMessage().Dispose());
    Time("MailAddresses.TryParseMailbox", n, () => Notices.Mail.MailAddresses.TryParseMailbox("person000001@agency.example", out _));
    Time("new MailboxAddress", n, () => _ = new MimeKit.MailboxAddress("Person", "person000001@agency.example"));
    Time("TextPart + MimeContent", n, () =>
    {
        var part = new MimeKit.TextPart(MimeKit.Text.TextFormat.Html) { ContentTransferEncoding = MimeKit.ContentEncoding.QuotedPrintable };
        part.ContentType.Charset = "utf-8";
        part.Content = new MimeKit.MimeContent(new MemoryStream(new byte[6000], writable: false));
    });
    Time("new MultipartAlternative", n, () => _ = new MimeKit.MultipartAlternative());
    Time("MessageId + Date + Subject + headers", n, () =>
    {
        using var m = new MimeKit.MimeMessage();
        m.Subject = "Volunteers needed: 60-day details";
        m.Date = DateTimeOffset.UtcNow;
        m.MessageId = "000000000003abc@agency.example";
        m.Headers.Add("Auto-Submitted", "auto-generated");
    });
    Time("string template (Replace into raw MIME)", n, () => bench.StringTemplate());
    Time("Build", n, () => bench.BuildOnly());
    Time("Build + WriteTo", n, () => bench.BuildAndWrite());
    Time("PrepareAsync (once per notice)", 200, () => prepare.Prepare().GetAwaiter().GetResult());
    bench.Cleanup();
    prepare.Cleanup();
    return 0;
}

// `notice-email-sample`: one recipient's notice message as an .eml on standard output, to look at.
if (args.Length > 0 && args[0] == "notice-email-sample")
{
    await using var sample = await NoticeEmailSubject.CreateAsync();
    using var message = sample.Prepared.Build(NoticeEmailSubject.Recipient(3), NoticeEmailSubject.Link(3), NoticeEmailSubject.MessageId(3));
    using var stdout = Console.OpenStandardOutput();
    message.WriteTo(stdout);
    return 0;
}

// `replies-quick [--seconds N]`: reading replies (parse, checks, trim, decide) beside a bare MimeMessage.Load.
if (args.Length > 0 && args[0] == "replies-quick")
{
    ReplyMix.Quick(Option("--seconds", 10));
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(ImportBenchmarks).Assembly).Run(args);
return 0;

int Option(string name, int fallback) =>
    int.TryParse(OptionText(name, null), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : fallback;

string? OptionText(string name, string? fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
}
