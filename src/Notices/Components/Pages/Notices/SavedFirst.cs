using Notices.Composing;
using Notices.Identity.Authorization;
using Notices.Templates;

namespace Notices.Components.Pages.NoticePages;

/// <summary>
/// The words of a refused save (someone saved the notice first): who saved it and when, in the notice's zone, so the
/// person can ask them, or knows it was their own other tab.
/// </summary>
internal static class SavedFirst
{
    /// <param name="saved">The notice as saved now.</param>
    /// <param name="what">"notice" or "audience".</param>
    /// <param name="me">The person whose save was refused.</param>
    public static string Heading(Notice saved, string what, Actor me) => Who(saved, me) switch
    {
        Saver.You => $"You saved this {what} in another tab or window first",
        Saver.Named => $"{saved.LastSavedByName} saved this {what} first",
        _ => $"Someone else saved this {what} first",
    };

    /// <summary>"Grace Hopper saved it on 5 Dec 2026, 12:14 PM Eastern, while you were editing."</summary>
    public static string Sentence(Notice saved, Actor me)
    {
        var when = ZonedTime.FormatShort(saved.UpdatedAt, saved.TimeZone);
        return Who(saved, me) switch
        {
            Saver.You => $"You saved it on {when}, in another tab or window, while you were editing here.",
            Saver.Named => $"{saved.LastSavedByName} saved it on {when}, while you were editing.",
            _ => $"It was saved on {when}, while you were editing.",
        };
    }

    private enum Saver
    {
        Unknown,
        You,
        Named,
    }

    private static Saver Who(Notice saved, Actor me) =>
        saved.LastSavedBy is null || string.IsNullOrWhiteSpace(saved.LastSavedByName) ? Saver.Unknown
        : saved.LastSavedBy == me.Id ? Saver.You
        : Saver.Named;
}
