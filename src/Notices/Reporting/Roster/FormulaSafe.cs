namespace Notices.Reporting.Roster;

/// <summary>
/// Neutralises spreadsheet formulas in exported text, as OWASP's CSV injection guidance says: a cell that begins with
/// <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab or a carriage return gets a leading apostrophe, so Excel, LibreOffice
/// and Google Sheets show it as text. One rule for every export (CSV and Excel). A phone number written "+1 …" is
/// exported as "'+1 …": the price of the rule.
/// </summary>
internal static class FormulaSafe
{
    private static readonly char[] Triggers = ['=', '+', '-', '@', '\t', '\r'];

    public static string Cell(string? value) =>
        string.IsNullOrEmpty(value) ? "" : Array.IndexOf(Triggers, value[0]) >= 0 ? "'" + value : value;
}
