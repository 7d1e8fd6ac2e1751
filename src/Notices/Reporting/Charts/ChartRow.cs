namespace Notices.Reporting.Charts;

/// <summary>One bar group of a chart: a label and one value per measure.</summary>
/// <param name="Key">Stable name for the live update (<c>funnel.delivered</c>, <c>series.1801</c>).</param>
/// <param name="Note">Shown after the label in the table and the text alternative ("particularly needed", "3 openings").</param>
// Public only because Razor components are: a parameter type cannot be less accessible than its component.
public sealed record ChartRow(string Key, string Label, IReadOnlyList<int> Values, string? Note = null);
