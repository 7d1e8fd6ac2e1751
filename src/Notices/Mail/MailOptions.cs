using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Notices.Mail;

internal enum MailTransportKind
{
    /// <summary>Each message becomes an .eml file under {DataDirectory}/mailbox/outgoing (the embedded default).</summary>
    File,

    /// <summary>An SMTP relay through MailKit.</summary>
    Smtp,

    /// <summary>Microsoft Graph <c>sendMail</c> from the shared mailboxes in <c>Notices:Mail:Graph</c>.</summary>
    Graph,
}

/// <summary><c>Notices:Mail</c>: how the service sends mail.</summary>
internal sealed class MailOptions
{
    public const string Section = "Notices:Mail";

    public MailTransportKind Transport { get; set; } = MailTransportKind.File;

    /// <summary>The sender, e.g. <c>Notices &lt;notices@agency.example&gt;</c>. Its domain also names our Message-IDs.</summary>
    public string? From { get; set; }

    /// <summary>Optional default Reply-To for one-off mails (notices set their own).</summary>
    public string? ReplyTo { get; set; }

    /// <summary>
    /// The file mailbox writes every message, live sign-up links included, to local files and marks it sent although
    /// nobody receives it. Outside Development it needs this explicit consent (an isolated demo).
    /// </summary>
    public bool AllowFileTransportOutsideDevelopment { get; set; }

    /// <summary>The From used when none is configured (file mailbox only: nothing leaves the machine).</summary>
    public const string FileDefaultFrom = "Notices <notices@localhost.localdomain>";

    public MailboxAddress FromAddress => MailboxAddress.Parse(ParserOptions.Default, string.IsNullOrWhiteSpace(From) ? FileDefaultFrom : From);
}

internal enum SmtpSecurity
{
    /// <summary>Plain text; only for a relay on loopback or a trusted network segment.</summary>
    None,

    /// <summary>Connect in plain text, then require STARTTLS (port 587, usually).</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465).</summary>
    SslOnConnect,
}

/// <summary><c>Notices:Mail:Smtp</c>: the relay.</summary>
internal sealed class SmtpOptions
{
    public const string Section = "Notices:Mail:Smtp";

    public string? Host { get; set; }

    [Range(1, 65535, ErrorMessage = "Notices:Mail:Smtp:Port must be between 1 and 65535.")]
    public int Port { get; set; } = 587;

    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;

    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>Network timeout for each command and the message payload.</summary>
    [Range(1, 600, ErrorMessage = "Notices:Mail:Smtp:TimeoutSeconds must be between 1 and 600.")]
    public int TimeoutSeconds { get; set; } = 60;

    /// <summary>Close and reopen a connection after this many messages (relays cap messages per connection).</summary>
    [Range(1, 100_000, ErrorMessage = "Notices:Mail:Smtp:RecycleAfterMessages must be between 1 and 100000.")]
    public int RecycleAfterMessages { get; set; } = 500;

    /// <summary>
    /// Do not use SMTP PIPELINING even when the relay offers it. Off by default; some servers (e.g. the in-process
    /// test server) stall on pipelined commands.
    /// </summary>
    public bool DisablePipelining { get; set; }

    /// <summary>
    /// Pins a relay certificate that does not chain to a trusted root (a self-signed internal relay): its SHA-256
    /// thumbprint in hex. Empty (the default) accepts only certificates the system trusts for the host name.
    /// </summary>
    [RegularExpression("^([0-9A-Fa-f]{2}[: ]?){31}[0-9A-Fa-f]{2}$", ErrorMessage = "Notices:Mail:Smtp:TrustedCertificateSha256 must be a SHA-256 thumbprint (64 hex digits).")]
    public string? TrustedCertificateSha256 { get; set; }

    /// <summary>Log the SMTP conversation (without bodies) at Debug level, for diagnosing a relay. Off by default.</summary>
    public bool ProtocolLog { get; set; }
}

internal sealed class MailOptionsValidator(IOptions<SmtpOptions> smtp, IOptions<Graph.GraphMailOptions> graph, IHostEnvironment environment) : IValidateOptions<MailOptions>
{
    public ValidateOptionsResult Validate(string? name, MailOptions options)
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Transport))
        {
            failures.Add($"Notices:Mail:Transport must be one of {string.Join(", ", Enum.GetNames<MailTransportKind>())}.");
        }

        if (options.Transport == MailTransportKind.File && !environment.IsDevelopment() && !options.AllowFileTransportOutsideDevelopment)
        {
            failures.Add(
                $"Notices:Mail:Transport is File (the default), which writes every message, live sign-up links included, to local files and marks it " +
                $"sent although nobody receives it. In the {environment.EnvironmentName} environment set Notices:Mail:Transport to Smtp or Graph, " +
                "or, for an isolated demo only, Notices:Mail:AllowFileTransportOutsideDevelopment=true.");
        }

        if (string.IsNullOrWhiteSpace(options.From))
        {
            if (options.Transport != MailTransportKind.File)
            {
                failures.Add("Notices:Mail:From is required when Notices:Mail:Transport is not File, e.g. \"Notices <notices@agency.example>\".");
            }
        }
        else if (!MailAddresses.TryParseMailbox(options.From, out _))
        {
            failures.Add($"Notices:Mail:From must be one email address, e.g. \"Notices <notices@agency.example>\"; got '{options.From}'.");
        }

        if (!string.IsNullOrWhiteSpace(options.ReplyTo) && !MailAddresses.TryParseMailbox(options.ReplyTo, out _))
        {
            failures.Add("Notices:Mail:ReplyTo must be one email address.");
        }

        if (options.Transport == MailTransportKind.Smtp)
        {
            var relay = smtp.Value;
            if (string.IsNullOrWhiteSpace(relay.Host))
            {
                failures.Add("Notices:Mail:Smtp:Host is required when Notices:Mail:Transport is Smtp.");
            }

            if (!Enum.IsDefined(relay.Security))
            {
                failures.Add("Notices:Mail:Smtp:Security must be None, StartTls or SslOnConnect.");
            }

            if (string.IsNullOrEmpty(relay.UserName) != string.IsNullOrEmpty(relay.Password))
            {
                failures.Add("Notices:Mail:Smtp:UserName and Notices:Mail:Smtp:Password go together: set both or neither.");
            }
        }

        if (options.Transport == MailTransportKind.Graph)
        {
            failures.AddRange(Graph.GraphMailboxNames.Problems(graph.Value.Mailboxes));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
