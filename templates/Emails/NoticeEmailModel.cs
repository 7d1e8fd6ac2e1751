using System.Globalization;

namespace Notices.Templates.Emails;

/// <summary>
/// The personal email of a released notice. The notice is rendered once with stand-ins for
/// <see cref="RecipientName"/> and <see cref="ResponseLink"/>, which each recipient's message then replaces, so the
/// template must show them as plain text and a plain link (no formatting that depends on their value).
/// </summary>
/// <param name="Title">The notice's title, also the subject (checked for line breaks before rendering).</param>
/// <param name="Summary">The preview line mail clients show next to the subject.</param>
/// <param name="BodyHtml">The authored body, ALREADY SANITISED (NoticeBody.Html): emitted without encoding.</param>
/// <param name="SenderName">Who sends it, e.g. "Office of the Director" (the From display name too).</param>
/// <param name="RecipientName">The greeting's name.</param>
/// <param name="ResponseLink">The recipient's personal sign-up link, from the configured public base URL.</param>
/// <param name="TimeZone">The notice's IANA time zone: the deadline is written in it, with the zone named.</param>
/// <param name="RecipientSeriesNeeded">The recipient's job series is among <see cref="ParticularlyNeededSeries"/>.</param>
public sealed record NoticeEmailModel(
    string Title,
    string Summary,
    string BodyHtml,
    string SenderName,
    string RecipientName,
    Uri ResponseLink,
    int LengthDays,
    DateOnly StartDate,
    bool MayBeExtended,
    IReadOnlyList<NoticeEmailLocation> Locations,
    IReadOnlyList<string> Duties,
    DateTimeOffset ResponseDeadline,
    string TimeZone,
    IReadOnlyList<string> ParticularlyNeededSeries,
    bool RecipientSeriesNeeded,
    bool ApprovalRequired,
    string ApprovalStandard) : IEmailModel
{
    public static Type Template => EmailTemplate.Of<NoticeEmail>();

    public string Subject => Title;

    public string LengthText => LengthDays == 1 ? "1 day" : string.Create(CultureInfo.InvariantCulture, $"{LengthDays:N0} days");

    public string StartDateText => StartDate.ToString("dddd d MMMM yyyy", CultureInfo.InvariantCulture);

    /// <summary>"Friday 8 January 2027, 5:00 PM Central": in the notice's zone, which is named.</summary>
    public string DeadlineText => ZonedTime.Format(ResponseDeadline, TimeZone);

    public string NeededSeriesText => ParticularlyNeededSeries.Count switch
    {
        0 => "",
        1 => ParticularlyNeededSeries[0],
        _ => string.Join(", ", ParticularlyNeededSeries.Take(ParticularlyNeededSeries.Count - 1)) + " and " + ParticularlyNeededSeries[^1],
    };
}

/// <summary>A duty location: "Houston, TX", optionally with how many people are needed there.</summary>
public sealed record NoticeEmailLocation(string City, string State, int? Openings)
{
    public string Text => Openings switch
    {
        null => $"{City}, {State}",
        1 => $"{City}, {State}: 1 opening",
        var n => string.Create(CultureInfo.InvariantCulture, $"{City}, {State}: {n:N0} openings"),
    };
}
