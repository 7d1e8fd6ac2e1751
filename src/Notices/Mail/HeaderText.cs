namespace Notices.Mail;

/// <summary>
/// The guard for single-line, author-supplied text that ends up in a mail header (a notice's title becomes the
/// Subject, the sender's name the From display name, the reply-to address Reply-To). Call it where the value is
/// accepted (a form, the API) so the author hears about it at once; <see cref="MailMessageFactory"/> checks
/// line breaks again when the message is built.
/// </summary>
internal static class HeaderText
{
    /// <summary>
    /// Rejects line breaks (CR, LF, NEL, U+2028, U+2029 — the same set as <see cref="MailAddresses.HasLineBreak"/>),
    /// every other control character (tab, NUL, C1) and the bidirectional embedding/override/isolate controls
    /// that can make a subject read differently from what it says.
    /// </summary>
    /// <returns>The value, unchanged.</returns>
    /// <exception cref="InvalidMailHeaderException">The value is unsafe; <see cref="ArgumentException.ParamName"/> is <paramref name="field"/>.</exception>
    public static string Validate(string value, string field)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentException.ThrowIfNullOrWhiteSpace(field);

        if (MailAddresses.HasLineBreak(value))
        {
            throw new InvalidMailHeaderException(field, $"{field} must be a single line (no CR, LF or other line break).");
        }

        foreach (var c in value)
        {
            if (char.IsControl(c) || IsBidiControl(c))
            {
                throw new InvalidMailHeaderException(field, $"{field} must not contain control characters (found U+{(int)c:X4}).");
            }
        }

        return value;
    }

    /// <summary>True when <see cref="Validate"/> would accept the value.</summary>
    public static bool IsValid(string? value) =>
        value is not null && !MailAddresses.HasLineBreak(value) && !value.Any(c => char.IsControl(c) || IsBidiControl(c));

    private static bool IsBidiControl(char c) => c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069';
}
