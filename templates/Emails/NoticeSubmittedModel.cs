namespace Notices.Templates.Emails;

/// <summary>Tells the releasers' shared address that a notice waits for release, with a link to its release page.</summary>
/// <param name="Title">The notice's title (checked for line breaks when it was saved).</param>
/// <param name="SubmittedByName">Who submitted it.</param>
/// <param name="ResponseDeadline">The notice's deadline, written in <paramref name="TimeZone"/>.</param>
/// <param name="TimeZone">The notice's IANA time zone.</param>
/// <param name="ReleaseLink">The release page, from the configured public base URL.</param>
public sealed record NoticeSubmittedModel(
    string Title,
    string SubmittedByName,
    DateTimeOffset ResponseDeadline,
    string TimeZone,
    Uri ReleaseLink) : IEmailModel
{
    public static Type Template => EmailTemplate.Of<NoticeSubmitted>();

    public string Subject => "Waiting for release: " + Title;

    public string DeadlineText => ZonedTime.Format(ResponseDeadline, TimeZone);
}
