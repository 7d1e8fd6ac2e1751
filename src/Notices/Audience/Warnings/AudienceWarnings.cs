using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Options;
using Notices.Audience.Rules;
using Notices.Composing;
using Notices.Identity.StaffDirectory;

namespace Notices.Audience.Warnings;

/// <summary><c>Notices:Audience</c>: when an audience is large enough to warn about.</summary>
internal sealed class AudienceWarningOptions
{
    public const string Section = "Notices:Audience";

    /// <summary>
    /// Warn when an audience is more than this percentage of the agency's staff (everyone not separated); 100 never warns.
    /// </summary>
    [Range(1, 100, ErrorMessage = "Notices:Audience:WarnAbovePercent must be from 1 to 100.")]
    public int WarnAbovePercent { get; set; } = 50;
}

/// <summary>
/// Something about an audience that is allowed but probably not meant. <paramref name="Kind"/> is one of
/// <see cref="AudienceWarnings"/>' constants; <paramref name="Field"/> names the audience field it concerns (the JSON
/// name under <c>audience</c>, such as <c>includeOrgs</c>), or null when it is about the whole audience.
/// </summary>
internal sealed record AudienceWarning(string Kind, string? Field, string Message);

/// <summary>
/// The checks run before an audience goes wrong: an organisation that matches nobody (a typo silently gives 0), a
/// particularly needed series with nobody in the audience, an audience over a share of the agency, and an empty one.
/// The same list is shown on the audience page, the notice page, at submit and on the release page.
/// </summary>
internal sealed class AudienceWarnings(IStaffDirectory directory, IOptions<AudienceWarningOptions> options)
{
    public const string OrganizationMatchesNobody = "organisation-matches-nobody";
    public const string NeededSeriesAbsent = "needed-series-absent";
    public const string LargeShare = "large-share";
    public const string Empty = "empty";

    /// <summary>
    /// The warnings for a stored notice's audience. None for an amendment: it goes to the recipients of the notice it
    /// amends, whatever its rules say.
    /// </summary>
    public async Task<IReadOnlyList<AudienceWarning>> ForNoticeAsync(Notice notice, CancellationToken cancellationToken)
    {
        if (notice.AmendsNoticeId is not null)
        {
            return [];
        }

        var (rules, _) = AudienceRulesValidation.Validate(AudienceRulesInput.From(notice.Audience));
        if (rules is null)
        {
            return [];
        }

        var breakdown = await directory.BreakdownAsync(rules.ToStaffFilter(), cancellationToken);
        return await CheckAsync(rules, breakdown.Count, breakdown.BySeries, notice.Opportunity.ParticularlyNeededSeries, cancellationToken);
    }

    /// <summary>
    /// What a person was shown, as a form carries it: whether warnings shown on a page are still all there are when the
    /// person acts on the page (a submit shows new ones rather than passing them by).
    /// </summary>
    public static string Seen(IReadOnlyList<AudienceWarning> warnings) =>
        string.Join(' ', warnings.Select(w => w.Field is null ? w.Kind : w.Kind + ":" + w.Field).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

    /// <summary>The warnings in <paramref name="now"/> that <paramref name="seen"/> (from <see cref="Seen"/>) did not include.</summary>
    public static IReadOnlyList<AudienceWarning> Unseen(IReadOnlyList<AudienceWarning> now, string? seen)
    {
        var shown = (seen ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        return [.. now.Where(w => !shown.Contains(w.Field is null ? w.Kind : w.Kind + ":" + w.Field))];
    }

    /// <param name="rules">Validated rules.</param>
    /// <param name="count">How many people the rules select now.</param>
    /// <param name="bySeries">That count by job series.</param>
    /// <param name="neededSeries">The notice's particularly needed series.</param>
    /// <param name="cancellationToken">Cancels the directory queries.</param>
    public async Task<IReadOnlyList<AudienceWarning>> CheckAsync(
        AudienceRules rules, int count, IReadOnlyDictionary<string, int> bySeries, IReadOnlyList<string> neededSeries, CancellationToken cancellationToken)
    {
        var warnings = new List<AudienceWarning>();
        if (rules.IncludeOrgs.Count + rules.ExcludeOrgs.Count > 0)
        {
            var tree = await directory.OrganizationsAsync(cancellationToken);
            var known = tree.Select(o => o.Path).ToHashSet(StringComparer.Ordinal);
            foreach (var org in rules.IncludeOrgs.Where(o => !known.Contains(o)))
            {
                warnings.Add(new(OrganizationMatchesNobody, "includeOrgs",
                    $"No one in the directory is in “{org}”, so it adds nobody.{Suggestion(org, tree)}"));
            }

            foreach (var org in rules.ExcludeOrgs.Where(o => !known.Contains(o)))
            {
                warnings.Add(new(OrganizationMatchesNobody, "excludeOrgs",
                    $"No one in the directory is in “{org}”, so leaving it out changes nothing.{Suggestion(org, tree)}"));
            }
        }

        if (count == 0)
        {
            warnings.Add(new(Empty, null, "Nobody matches these rules, so the notice would go to no one. It cannot be submitted until someone does."));
            return warnings;
        }

        var absent = neededSeries.Where(s => bySeries.GetValueOrDefault(s) == 0).ToList();
        if (absent.Count > 0)
        {
            var list = Join(absent);
            warnings.Add(new(NeededSeriesAbsent, "series", absent.Count == 1
                ? $"Series {list} is particularly needed, but nobody in series {list} is in this audience."
                : $"Series {list} are particularly needed, but nobody in them is in this audience."));
        }

        var percent = options.Value.WarnAbovePercent;
        if (percent < 100)
        {
            var staff = (await directory.PageAsync(new StaffFilter { Statuses = [EmployeeStatus.Active, EmployeeStatus.OnLeave] }, 1, 1, cancellationToken)).Total;
            // Compared in whole numbers: count / staff > percent / 100.
            if (staff > 0 && count * 100L > staff * (long)percent)
            {
                var share = Math.Min(100, (int)Math.Round(count * 100.0 / staff, MidpointRounding.AwayFromZero));
                warnings.Add(new(LargeShare, null,
                    $"This goes to {share}% of the agency: {N(count)} of its {N(staff)} staff. Check that so many people should get it."));
            }
        }

        return warnings;
    }

    /// <summary>The likeliest intended organisations: the same path in other capitals, else paths ending in a similar name.</summary>
    private static string Suggestion(string typed, IReadOnlyList<OrganizationUnit> tree)
    {
        var last = typed[(typed.LastIndexOf('/') + 1)..];
        var likely = tree.Where(o => string.Equals(o.Path, typed, StringComparison.OrdinalIgnoreCase)).Select(o => o.Path).Take(1).ToList();
        if (likely.Count == 0)
        {
            likely = [.. tree.Select(o => o.Path)
                .Where(p => p[(p.LastIndexOf('/') + 1)..].Contains(last, StringComparison.OrdinalIgnoreCase))
                .Take(3)];
        }

        return likely.Count == 0
            ? " Check the spelling, or pick the organisation from the list."
            : $" Did you mean {string.Join(" or ", likely.Select(p => $"“{p}”"))}? Pick it from the list.";
    }

    private static string N(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Join(IReadOnlyList<string> items) =>
        items.Count == 1 ? items[0] : string.Join(", ", items.Take(items.Count - 1)) + " and " + items[^1];
}
