using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Notices.Composing.Release;
using Notices.Data;
using Notices.Delivery.Outbox;
using Notices.Identity.Authorization;
using Notices.Identity.Database;
using Notices.Identity.StaffDirectory.Demo;
using Notices.Identity.StaffDirectory.Import;

namespace Notices.Benchmarks;

/// <summary>
/// `signup-load`: GET /s/{token} for valid tokens on the real service (Kestrel, the chosen database, a released notice
/// to a demo directory), driven by wrk with random tokens from the notice's recipients, beside a bare Kestrel endpoint
/// answering a page of the same size in the same process and run, as a ratio. wrk runs on the same machine.
/// </summary>
internal static partial class SignupLoad
{
    public static async Task<int> RunAsync(int people, int tokens, DatabaseProvider provider, string duration, int connections, int threads)
    {
        if (!File.Exists("/usr/bin/wrk"))
        {
            Console.Error.WriteLine("wrk is not installed: apt-get install -y wrk");
            return 1;
        }

        await using var subject = await ImportSubject.CreateAsync(provider);
        _databasePort = provider == DatabaseProvider.Postgres ? new Npgsql.NpgsqlConnectionStringBuilder(subject.ConnectionString).Port : 0;
        var data = Path.Combine(Path.GetTempPath(), "notices-bench", "signup-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        var port = FreePort();
        // Production, as the service runs for real (no developer exception page, no DI scope validation, HSTS), with a
        // throwaway certificate for the key ring, which outside Development must be encrypted at rest.
        var keyRing = Path.Combine(data, "keyring.pfx");
        using (var rsa = System.Security.Cryptography.RSA.Create(2048))
        {
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(
                "CN=Notices benchmark key ring", rsa, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            await File.WriteAllBytesAsync(keyRing, certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx, "bench"));
        }

        string[] args =
        [
            "--urls=http://127.0.0.1:" + port,
            "--environment=Production",
            "--Notices:DataProtection:CertificatePath=" + keyRing,
            "--Notices:DataProtection:CertificatePassword=bench",
            "--Notices:Mail:AllowFileTransportOutsideDevelopment=true",
            // Entra ID as configured for real; the token page never signs anyone in, so nothing is fetched from it.
            "--AzureAd:Instance=https://login.microsoftonline.com/",
            "--AzureAd:TenantId=" + Guid.NewGuid(),
            "--AzureAd:ClientId=" + Guid.NewGuid(),
            "--Notices:Database:Provider=" + provider,
            "--ConnectionStrings:Notices=" + (provider == DatabaseProvider.Sqlite ? $"Data Source={Path.Combine(data, "notices.db")}" : subject.ConnectionString),
            "--Notices:DataDirectory=" + data,
            "--Notices:PublicBaseUrl=https://notices.agency.example",
            "--Notices:Mail:From=Notices <notices@agency.example>",
            "--Notices:Mail:Workers=0",
            "--Notices:Demo:Enabled=false",
            "--Logging:LogLevel:Default=Warning",
            "--AllowedHosts=*",
        ];
        await using var app = Notices.Hosting.NoticesApp.Create(args);
        await app.StartAsync();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            _ = await DemoDirectoryLoader.LoadAsync(scope.ServiceProvider, people, 1, new ImportOptions(), null, CancellationToken.None);
        }

        var id = await ReleaseQuick.SubmittedNoticeAsync(app.Services);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var outcome = await scope.ServiceProvider.GetRequiredService<ReleaseNoticeHandler>()
                .HandleAsync(id, new ReleaseRequest(), new Actor("bench-releaser", "Bench releaser", null), Notices.Identity.Audit.AuditChannel.Cli, CancellationToken.None);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{provider}: released to {outcome.Value?.RecipientCount:N0} people"));
        }

        // People open their link after the email reaches them: mark the notice's emails delivered an hour ago, as the
        // mail workers would have (they are off here, so the benchmark does not also measure sending).
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var delivered = DateTimeOffset.UtcNow.AddHours(-1);
            await scope.ServiceProvider.GetRequiredService<NoticesDbContext>().Outbox.Where(o => o.NoticeId == id)
                .ExecuteUpdateAsync(set => set.SetProperty(o => o.State, Notices.Delivery.Outbox.OutboxState.Sent).SetProperty(o => o.SentAt, delivered));
        }

        var paths = await SamplePathsAsync(app.Services, id, tokens);
        using var http = new HttpClient();
        var script = Path.Combine(data, "paths.lua");
        await File.WriteAllTextAsync(script, LuaScript(paths));

        var sequential = Stopwatch.StartNew();
        foreach (var path in paths.Take(50))
        {
            _ = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}{path}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  50 first views one at a time: {sequential.Elapsed.TotalMilliseconds / 50:F1} ms each"));
        sequential.Restart();
        foreach (var path in paths.Take(50))
        {
            _ = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}{path}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  50 repeat views one at a time: {sequential.Elapsed.TotalMilliseconds / 50:F1} ms each"));
        foreach (var probe in new[] { "HEAD " + paths[0], "GET /status/404", "GET /" })
        {
            sequential.Restart();
            for (var i = 0; i < 50; i++)
            {
                using var request = new HttpRequestMessage(new HttpMethod(probe.Split(' ')[0]), new Uri($"http://127.0.0.1:{port}{probe.Split(' ')[1]}"));
                using var response = await http.SendAsync(request);
                _ = await response.Content.ReadAsByteArrayAsync();
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  50 x {probe.Split(' ')[0]} {probe.Split(' ')[1][..Math.Min(12, probe.Split(' ')[1].Length)]}: {sequential.Elapsed.TotalMilliseconds / 50:F1} ms each"));
        }

        // The baseline: bare Kestrel in the same process, answering a static page as large as the sign-up page.
        var pageBytes = Encoding.UTF8.GetBytes(await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}{paths[0]}")));
        var barePort = FreePort();
        var bare = WebApplication.CreateSlimBuilder();
        bare.WebHost.UseUrls("http://127.0.0.1:" + barePort);
        bare.Logging.ClearProviders();
        await using var bareApp = bare.Build();
        bareApp.MapGet("/s/{token}", (string token) => Results.Bytes(pageBytes, "text/html; charset=utf-8"));
        await bareApp.StartAsync();

        // The floor of any page that reads the database per view: bare Kestrel that looks the token's row up with one
        // prepared PostgreSQL query (the invitation by token hash, through the app's pool settings), then answers the same bytes.
        await using var floor = await FloorAsync(app.Services, id, paths, pageBytes, subject.ConnectionString, provider);

        // Warm-up: every sample token viewed once (a first view is a write, measured above), JIT and caches warm; the
        // timed run then measures what repeats: people reopening their link, scanners, reloads.
        var firstViews = Stopwatch.StartNew();
        await Parallel.ForEachAsync(paths, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (path, cancellationToken) =>
            _ = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}{path}"), cancellationToken));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  first views of all {paths.Count:N0} sample links, 8 at a time: {paths.Count / firstViews.Elapsed.TotalSeconds:N0} views/s"));
        // 20 s of load before measuring: the service has tens of thousands of methods, and tiered compilation keeps
        // recompiling the hot ones for about that long (a profile 5 s in still showed a tenth of the CPU in the JIT).
        _ = await WrkAsync(script, port, "20s", connections, threads);
        _ = await WrkAsync(script, barePort, "3s", connections, threads);

        if (floor is not null)
        {
            _ = await WrkAsync(script, floor.Port, "3s", connections, threads);
        }

        var service = await WrkAsync(script, port, duration, connections, threads);
        var baseline = await WrkAsync(script, barePort, duration, connections, threads);
        var floorRun = floor is null ? null : await WrkAsync(script, floor.Port, duration, connections, threads);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
              GET /s/{"{token}"} ({tokens:N0} valid tokens at random, {pageBytes.Length / 1024.0:F1} KB page, wrk -t{threads} -c{connections} -d{duration}, same machine):
                Notices:     {service.RequestsPerSecond,10:N0} req/s   p50 {service.P50,7:F2} ms   p99 {service.P99,7:F2} ms   non-2xx {service.Errors}   CPU per request: service {service.ServiceCpuMs:F3} ms, database {service.DatabaseCpuMs:F3} ms
                bare Kestrel:{baseline.RequestsPerSecond,10:N0} req/s   p50 {baseline.P50,7:F2} ms   p99 {baseline.P99,7:F2} ms                CPU per request: service {baseline.ServiceCpuMs:F3} ms (database meanwhile, serving nothing: {baseline.DatabaseCpuMs * baseline.RequestsPerSecond:F0} ms/s)
            {(floorRun is null ? "" : string.Create(CultureInfo.InvariantCulture, $"    bare + 1 query:{floorRun.RequestsPerSecond,8:N0} req/s   p50 {floorRun.P50,7:F2} ms   p99 {floorRun.P99,7:F2} ms   non-2xx {floorRun.Errors}   CPU per request: service {floorRun.ServiceCpuMs:F3} ms, database {floorRun.DatabaseCpuMs:F3} ms\n"))}    ratio Notices/bare throughput: {service.RequestsPerSecond / baseline.RequestsPerSecond:F2}x; p99 ratio {service.P99 / baseline.P99:F1}x; service CPU per request ratio {service.ServiceCpuMs / baseline.ServiceCpuMs:F1}x
                (CPU per request is the process's own CPU time over the run divided by the requests served: unlike req/s it
                 does not move when other work shares the 2 cores. Database CPU sums every PostgreSQL process's time.)
            """));
        await bareApp.StopAsync();
        await app.StopAsync();
        return 0;
    }

    private sealed class Floor(WebApplication app, Npgsql.NpgsqlDataSource source, int port) : IAsyncDisposable
    {
        public int Port => port;

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
            await source.DisposeAsync();
        }
    }

    private static async Task<Floor?> FloorAsync(IServiceProvider services, Guid id, List<string> paths, byte[] pageBytes, string connectionString, DatabaseProvider provider)
    {
        if (provider != DatabaseProvider.Postgres)
        {
            return null;
        }

        // Each sample path's token hash, as the release stored it: derived from the notice's key, never read back per path.
        var sampled = paths.Select(p => p[NoticeLinks.SignupPathPrefix.Length..]).ToHashSet(StringComparer.Ordinal);
        var hashes = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
            var links = scope.ServiceProvider.GetRequiredService<NoticeLinks>();
            var key = links.Unprotect((await db.Notices.SingleAsync(n => n.Id == id)).ProtectedLinkKey!);
            foreach (var employee in await db.Outbox.Where(o => o.NoticeId == id).Select(o => o.EmployeeId).ToListAsync())
            {
                var token = NoticeLinks.SignupToken(key, id, employee);
                if (sampled.Contains(token.Value))
                {
                    hashes[token.Value] = token.Hash;
                }
            }
        }

        var source = Npgsql.NpgsqlDataSource.Create(Notices.Identity.Database.ModuleDatabase.WithPoolDefaults(connectionString));
        var port = FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:" + port);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/s/{token}", async (string token, CancellationToken cancellationToken) =>
        {
            if (!hashes.TryGetValue(token, out var hash))
            {
                return Results.NotFound();
            }

            await using var command = source.CreateCommand("""SELECT "NoticeId", "EmployeeId", "SentAt" FROM notices.outbox WHERE "TokenHash" = $1 AND "NoticeId" IS NOT NULL LIMIT 1""");
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = hash });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? Results.Bytes(pageBytes, "text/html; charset=utf-8") : Results.NotFound();
        });
        await app.StartAsync();
        return new Floor(app, source, port);
    }

    private static async Task<List<string>> SamplePathsAsync(IServiceProvider services, Guid id, int count)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
        var links = scope.ServiceProvider.GetRequiredService<NoticeLinks>();
        var key = links.Unprotect((await db.Notices.SingleAsync(n => n.Id == id)).ProtectedLinkKey!);
        var directory = scope.ServiceProvider.GetRequiredService<Notices.Identity.StaffDirectory.IStaffDirectory>();
        var everyone = await db.Outbox.Where(o => o.NoticeId == id).OrderBy(o => o.Id).Select(o => o.EmployeeId).ToListAsync();
        // Separated people's links are refused (the generic page): sample only people whose links open.
        var employees = new List<string>(everyone.Count);
        foreach (var employee in everyone)
        {
            if (await directory.FindAsync(employee) is { Status: not Notices.Identity.StaffDirectory.EmployeeStatus.Separated })
            {
                employees.Add(employee);
            }
        }

        var step = Math.Max(1, employees.Count / count);
        return employees.Where((_, i) => i % step == 0).Take(count)
            .Select(e => NoticeLinks.SignupPathPrefix + NoticeLinks.SignupToken(key, id, e).Value).ToList();
    }

    private static string LuaScript(List<string> paths)
    {
        var lua = new StringBuilder("paths = {\n");
        foreach (var path in paths)
        {
            lua.Append("  \"").Append(path).Append("\",\n");
        }

        lua.Append("}\nrequest = function()\n  return wrk.format(\"GET\", paths[math.random(#paths)])\nend\n");
        return lua.ToString();
    }

    private sealed record WrkResult(double RequestsPerSecond, double P50, double P99, int Errors, double ServiceCpuMs, double DatabaseCpuMs);

    private static async Task<WrkResult> WrkAsync(string script, int port, string duration, int connections, int threads)
    {
        var self = Process.GetCurrentProcess();
        var cpuBefore = self.TotalProcessorTime;
        var databaseBefore = DatabaseCpu();
        var start = new ProcessStartInfo("wrk", $"-t{threads} -c{connections} -d{duration} --latency -s {script} http://127.0.0.1:{port}")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var rps = double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        var errors = NonSuccess().Match(output) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        self.Refresh();
        var requests = double.Parse(TotalRequests().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        var serviceCpu = (self.TotalProcessorTime - cpuBefore).TotalMilliseconds / requests;
        var databaseCpu = (DatabaseCpu() - databaseBefore).TotalMilliseconds / requests;
        return new WrkResult(rps, Latency(output, "50%"), Latency(output, "99%"), errors, serviceCpu, databaseCpu);
    }

    /// <summary>The PostgreSQL port the run uses; its server's processes are the ones whose CPU is counted.</summary>
    private static int _databasePort;

    /// <summary>
    /// User plus system CPU time of the PostgreSQL server on <see cref="_databasePort"/>: its postmaster (found by the
    /// <c>-p PORT</c> on its command line) and that postmaster's children, the backends. Linux /proc; zero elsewhere or
    /// on SQLite. Other clusters on the machine (another agent's tests) are not counted.
    /// </summary>
    private static TimeSpan DatabaseCpu()
    {
        if (!Directory.Exists("/proc") || _databasePort == 0)
        {
            return TimeSpan.Zero;
        }

        var postmaster = Directory.EnumerateDirectories("/proc")
            .Select(dir => (Dir: dir, Pid: int.TryParse(Path.GetFileName(dir), out var pid) ? pid : 0))
            .Where(p => p.Pid > 0)
            .FirstOrDefault(p =>
            {
                try
                {
                    var commandLine = File.ReadAllText(Path.Combine(p.Dir, "cmdline")).Split('\0');
                    return Path.GetFileName(commandLine[0]) == "postgres"
                        && commandLine.Zip(commandLine.Skip(1)).Any(a => a.First == "-p" && a.Second == _databasePort.ToString(CultureInfo.InvariantCulture));
                }
                catch (IOException)
                {
                    return false;
                }
            }).Pid;
        if (postmaster == 0)
        {
            return TimeSpan.Zero;
        }

        var ticksPerSecond = 100.0; // USER_HZ on Linux
        var total = 0L;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (!int.TryParse(Path.GetFileName(dir), out _) || File.ReadAllText(Path.Combine(dir, "comm")).Trim() != "postgres")
                {
                    continue;
                }

                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var pid = int.Parse(Path.GetFileName(dir), CultureInfo.InvariantCulture);
                if (pid != postmaster && fields[1] != postmaster.ToString(CultureInfo.InvariantCulture))
                {
                    continue;
                }

                total += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The process ended between listing and reading.
            }
        }

        return TimeSpan.FromSeconds(total / ticksPerSecond);
    }

    private static double Latency(string output, string percentile)
    {
        var match = Regex.Match(output, @"\s" + Regex.Escape(percentile) + @"\s+([0-9.]+)(us|ms|s)");
        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch { "us" => value / 1000, "s" => value * 1000, _ => value };
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"Requests/sec:\s+([0-9.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"([0-9]+) requests in")]
    private static partial Regex TotalRequests();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+([0-9]+)")]
    private static partial Regex NonSuccess();
}
