using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MimeKit;
using Notices.Composing;
using Notices.Delivery.NoticeEmail;
using Notices.Delivery.Outbox;
using Notices.Hosting;
using Notices.Identity.Database;
using Notices.Mail;
using Notices.Mail.Delivery;
using Notices.Mail.Rendering;

namespace Notices.Benchmarks;

/// <summary>
/// The mail module as the service registers it (AddMail), a realistic notice, its prepared email, and the same email
/// as a plain string template (raw MIME text with stand-ins, 8-bit parts) for the baseline.
/// </summary>
internal sealed class NoticeEmailSubject : IAsyncDisposable
{
    public const string NameStandIn = "{{RECIPIENT_NAME}}";
    public const string EmailStandIn = "recipient.stand.in@agency.example";
    public const string LinkStandIn = "https://notices.agency.example/s/LINK_STAND_IN_TOKEN_43_CHARS_xxxxxxxxxxxxxxx";
    public const string MessageIdStandIn = "message.id.stand.in@agency.example";

    private readonly WebApplication _app;

    private NoticeEmailSubject(WebApplication app) => _app = app;

    public IServiceProvider Services => _app.Services;

    public INoticeEmailFactory Factory { get; private set; } = null!;

    public IPreparedNoticeEmail Prepared { get; private set; } = null!;

    public Notice Notice { get; } = SampleNotice();

    /// <summary>The whole message, headers and both parts, as text with the four stand-ins.</summary>
    public string RawTemplate { get; private set; } = "";

    public static async Task<NoticeEmailSubject> CreateAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "notices-bench", Guid.NewGuid().ToString("N"));
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        var all = new Dictionary<string, string?>
        {
            ["Notices:PublicBaseUrl"] = "https://notices.agency.example",
            ["Notices:Mail:From"] = "Notices <notices@agency.example>",
            ["Notices:DataDirectory"] = dataDirectory,
            // Nothing is sent: the benchmark only builds messages, on the default (Production) environment.
            ["Notices:Mail:AllowFileTransportOutsideDevelopment"] = "true",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(all);
        builder.Services.AddSingleton(new DataPaths(dataDirectory));
        builder.Services.AddDataProtection();
        builder.AddMail();
        var subject = new NoticeEmailSubject(builder.Build());
        var services = subject.Services;
        subject.Factory = new NoticeEmailFactory(
            services.GetRequiredService<IMailRenderer>(), services.GetRequiredService<MailMessageFactory>(),
            services.GetRequiredService<LinkBuilder>(), TimeProvider.System);
        subject.Prepared = await subject.Factory.PrepareAsync(subject.Notice);

        using var prototype = subject.Prepared.Build(
            new NoticeEmailRecipient("E0", NameStandIn, EmailStandIn, "0343"), new Uri(LinkStandIn), MessageIdStandIn);
        foreach (var part in prototype.BodyParts.OfType<TextPart>())
        {
            // A string template carries its text as is (8-bit): quoted-printable would cut the stand-ins.
            var text = part.Text;
            part.ContentTransferEncoding = ContentEncoding.EightBit;
            part.SetText(Encoding.UTF8, text);
        }

        using var raw = new MemoryStream();
        prototype.WriteTo(raw);
        subject.RawTemplate = Encoding.UTF8.GetString(raw.ToArray());
        return subject;
    }

    public static NoticeEmailRecipient Recipient(int i) =>
        new($"E{i:D6}", $"Person Number{i:D6}", $"person{i:D6}@agency.example", i % 3 == 0 ? "0930" : "0343");

    /// <summary>A link like the real ones: the public base URL, /s/, and 43 base64url characters.</summary>
    public static Uri Link(int i) => new($"https://notices.agency.example/s/{i:D10}abcdefghijklmnopqrstuvwxyzABCDEFG");

    public static string MessageId(int i) => $"{i:D12}0123456789abcdef0123@agency.example";

    public IMailTransport SmtpTransport => Services.GetRequiredService<SmtpMailTransport>();

    private static Notice SampleNotice() => new()
    {
        Id = Guid.NewGuid(),
        Title = "Volunteers needed: 60-day details",
        Summary = "Help process cases at the southern border for 60 days, starting in March.",
        BodyMarkdown = """
            The agency needs volunteers for **60-day details** supporting operations at the southern border.

            ## What you would do

            Volunteers work alongside field staff on intake, case processing and records. Training is provided on
            arrival; travel and lodging are paid under the Federal Travel Regulation.

            - Travel is booked through the usual system.
            - Per diem applies for the whole detail.
            - Your position and grade are unchanged.

            Questions about the details are answered in [the FAQ](https://intranet.agency.example/details/faq).
            """,
        SenderName = "Office of the Director",
        ReplyTo = "director@agency.example",
        Opportunity = new Opportunity
        {
            LengthDays = 60,
            StartDate = new DateOnly(2027, 3, 10),
            MayBeExtended = true,
            Locations = [new DutyLocation("Houston", "TX", 20), new DutyLocation("El Paso", "TX", 15), new DutyLocation("San Diego", "CA")],
            Duties = ["Detainee processing", "Case management", "Records checks", "Data entry"],
            ParticularlyNeededSeries = ["1801", "0930"],
        },
        ResponseDeadline = new DateTimeOffset(2027, 2, 20, 23, 59, 0, TimeSpan.Zero),
    };

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
