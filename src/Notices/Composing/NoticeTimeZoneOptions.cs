using Notices.Templates;

namespace Notices.Composing;

/// <summary><c>Notices:TimeZone</c>: the time zone a new notice starts with (an IANA id), America/New_York unless set.</summary>
internal sealed class NoticeTimeZoneOptions
{
    public const string Section = "Notices";

    public const string Key = "Notices:TimeZone";

    public string TimeZone { get; set; } = "America/New_York";

    public static void Register(IServiceCollection services) =>
        services.AddOptions<NoticeTimeZoneOptions>().BindConfiguration(Section)
            .Validate(o => ZonedTime.TryFind(o.TimeZone, out _), $"{Key} must be an IANA time zone id this system knows, such as America/New_York.")
            .ValidateOnStart();
}
