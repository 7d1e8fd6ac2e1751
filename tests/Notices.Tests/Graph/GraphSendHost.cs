using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Notices.Identity.Database;
using Notices.Mail;
using Notices.Mail.Delivery;
using Notices.Mail.Rendering;
using Notices.Testing;

namespace Notices.Tests.Graph;

/// <summary>
/// The mail module alone, registered as the service registers it (AddMail) with <c>Notices:Mail:Transport = Graph</c>,
/// its Graph clients pointed at a <see cref="FakeGraphMail"/> and its clock a <see cref="FakeTimeProvider"/>.
/// </summary>
internal sealed class GraphSendHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GraphSendHost(WebApplication app, FakeGraphMail graph, FakeTimeProvider time, List<string> logs)
    {
        _app = app;
        Graph = graph;
        Time = time;
        Logs = logs;
    }

    public FakeGraphMail Graph { get; }

    public FakeTimeProvider Time { get; }

    public List<string> Logs { get; }

    public IMailTransport Transport => _app.Services.GetRequiredService<IMailTransport>();

    public static GraphSendHost Create(string[] mailboxes, int perMinute = 30, int perDay = 10_000, string? graphUrl = null)
    {
        var graph = FakeGraphMail.Start();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 21, 0, 0, TimeSpan.Zero));
        var logs = new List<string>();
        var dataDirectory = Path.Combine(Path.GetTempPath(), "notices-tests", Guid.NewGuid().ToString("N"));
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        var settings = new Dictionary<string, string?>
        {
            ["Notices:PublicBaseUrl"] = "https://notices.agency.example",
            ["Notices:Mail:From"] = "Notices <notices@agency.example>",
            ["Notices:Mail:Transport"] = "Graph",
            ["Notices:Mail:Graph:PerMailboxPerMinute"] = perMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Notices:Mail:Graph:PerMailboxPerDay"] = perDay.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Notices:DataDirectory"] = dataDirectory,
        };
        for (var i = 0; i < mailboxes.Length; i++)
        {
            settings[$"Notices:Mail:Graph:Mailboxes:{i}"] = mailboxes[i];
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddSingleton(new DataPaths(dataDirectory));
        builder.Services.UseFakeGraph(graphUrl ?? graph.BaseUrl);
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(new CollectingLoggerProvider(logs));
        builder.AddMail();
        var app = builder.Build();
        try
        {
            app.Services.GetRequiredService<Microsoft.Extensions.Options.IStartupValidator>().Validate();
        }
        catch
        {
            graph.Dispose();
            throw;
        }

        return new GraphSendHost(app, graph, time, logs);
    }

    /// <summary>A notice-like message: our Message-ID, Auto-Submitted, one recipient.</summary>
    public MimeMessage Message(string to = "jo.doe@agency.example", string? messageId = null) =>
        _app.Services.GetRequiredService<MailMessageFactory>().Create(
            new MailAddressing { To = to, MessageId = messageId ?? Guid.NewGuid().ToString("N") + "@agency.example", AutoSubmitted = true },
            new RenderedEmail("Volunteers needed: winter coat drive", "<p>Sign up at the link.</p>", "Sign up at the link."));

    public async ValueTask<DeliveryResult> SendAsync(MimeMessage message)
    {
        await using var session = await Transport.OpenSessionAsync();
        return await session.SendAsync(message);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Graph.Dispose();
    }
}
