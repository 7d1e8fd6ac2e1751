using System.Globalization;

namespace Notices.Templates.Emails;

/// <summary>The configuration check sent by <c>Notices mail test --to ADDRESS</c>.</summary>
/// <param name="SentAt">When the check ran (UTC).</param>
/// <param name="Transport">The configured transport (File, Smtp...).</param>
/// <param name="Instance">The machine that sent it, so operators of several instances can tell them apart.</param>
/// <param name="ServiceLink">An absolute link to the service, proving links are built from the public base URL.</param>
public sealed record TestEmailModel(DateTimeOffset SentAt, string Transport, string Instance, Uri ServiceLink) : IEmailModel
{
    public static Type Template => EmailTemplate.Of<TestEmail>();

    public string Subject => "Notices test email";

    public string SentAtText => SentAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
