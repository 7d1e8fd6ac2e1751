using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Notices.Hosting;
using Notices.Identity.Database;
using Notices.Mail;
using Notices.Mail.Delivery;
using Notices.Mail.Rendering;
using Notices.Templates.Emails;

namespace Notices.Tests;

/// <summary>
/// The mail module alone, registered exactly as the service registers it (AddMail), without a database or web
/// server: for tests of rendering, message building and transports against a real SMTP server.
/// </summary>
internal sealed class MailTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private MailTestHost(WebApplication app, string dataDirectory)
    {
        _app = app;
        DataDirectory = dataDirectory;
    }

    public string DataDirectory { get; }

    public string OutgoingMailbox => Path.Combine(DataDirectory, "mailbox", "outgoing");

    public IServiceProvider Services => _app.Services;

    public IMailRenderer Renderer => Services.GetRequiredService<IMailRenderer>();

    public MailMessageFactory Messages => Services.GetRequiredService<MailMessageFactory>();

    public IMailTransport Transport => Services.GetRequiredService<IMailTransport>();

    /// <summary>Renders, builds and hands one message to the transport: the seam the outbox's workers drive.</summary>
    public async Task<SentMail> SendAsync<TModel>(TModel model, MailAddressing addressing)
        where TModel : Notices.Templates.IEmailModel
    {
        var content = await Renderer.RenderAsync(model);
        using var message = Messages.Create(addressing, content);
        await using var session = await Transport.OpenSessionAsync();
        return new SentMail(message.MessageId!, await session.SendAsync(message));
    }

    public LinkBuilder Links => Services.GetRequiredService<LinkBuilder>();

    public static MailTestHost Create(
        IReadOnlyDictionary<string, string>? settings = null, string environment = "Development", ICollection<string>? logs = null)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "notices-tests", Guid.NewGuid().ToString("N"));
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        var all = new Dictionary<string, string?>
        {
            ["Notices:PublicBaseUrl"] = "https://notices.agency.example",
            ["Notices:Mail:From"] = "Notices <notices@agency.example>",
            ["Notices:DataDirectory"] = dataDirectory,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(all);
        builder.Services.AddSingleton(new DataPaths(dataDirectory));
        builder.Services.AddDataProtection(); // AddMail registers NoticeLinks, which protects link keys.
        if (logs is not null)
        {
            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(LogLevel.Trace);
            builder.Logging.AddFilter((_, _) => true);
            builder.Logging.AddProvider(new CollectingLoggerProvider(logs));
        }

        builder.AddMail();
        return new MailTestHost(builder.Build(), dataDirectory);
    }

    /// <summary>Resolves every validated options class, as start-up does.</summary>
    public void ValidateOptions() => Services.GetRequiredService<Microsoft.Extensions.Options.IStartupValidator>().Validate();

    public TestEmailModel TestEmail() =>
        new(new DateTimeOffset(2026, 11, 27, 21, 0, 0, TimeSpan.Zero), "Smtp", "test-host", Links.Home);

    public DirectoryImportFinishedModel ImportFinished(int problems = 0) =>
        new("staff.csv", DryRun: false, Added: 1204, Updated: 37, Deactivated: 5, Unchanged: 18754, ProblemCount: problems,
            new DateTimeOffset(2026, 11, 27, 21, 5, 0, TimeSpan.Zero), Links.To("/directory"));

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}

internal sealed record SentMail(string MessageId, DeliveryResult Delivery);

/// <summary>Keeps every formatted log line (with exception messages) so tests can check what is never logged.</summary>
internal sealed class CollectingLoggerProvider(ICollection<string> lines) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(lines);

    public void Dispose()
    {
    }

    private sealed class Logger(ICollection<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (lines)
            {
                lines.Add(formatter(state, exception) + " " + exception);
            }
        }
    }
}
