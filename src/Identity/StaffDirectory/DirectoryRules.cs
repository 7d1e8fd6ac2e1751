namespace Notices.Identity.StaffDirectory;

/// <summary>Field limits shared by the EF mapping and the importer.</summary>
internal static class FieldLimits
{
    public const int EmployeeId = 32;
    public const int DisplayName = 200;
    public const int Email = 254;
    public const int PositionTitle = 200;
    public const int Organization = 400;
    public const int DutyCity = 100;
}

internal static class EmailRules
{
    public static string Normalize(string email) => email.Trim().ToLowerInvariant();

    /// <summary>
    /// A plain work address, local@domain.tld: a dot-atom local part (letters, digits and
    /// <c>!#$%&amp;'*+/=?^_`{|}~-</c>, dots between them) and a domain of at least two letter-digit-hyphen labels.
    /// No display name, quoted local part, IP literal, whitespace or control character.
    /// </summary>
    public static bool IsValid(string email)
    {
        if (email.Length is 0 or > FieldLimits.Email)
        {
            return false;
        }

        var at = email.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at > 64 || at == email.Length - 1)
        {
            return false;
        }

        var local = email.AsSpan(0, at);
        var domain = email.AsSpan(at + 1);
        return IsDotAtom(local) && IsDomain(domain);
    }

    private static bool IsDotAtom(ReadOnlySpan<char> local)
    {
        if (local[0] == '.' || local[^1] == '.')
        {
            return false;
        }

        for (var i = 0; i < local.Length; i++)
        {
            var c = local[i];
            if (c == '.')
            {
                if (local[i - 1] == '.')
                {
                    return false;
                }
            }
            else if (!char.IsAsciiLetterOrDigit(c) && "!#$%&'*+/=?^_`{|}~-".IndexOf(c, StringComparison.Ordinal) < 0)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsDomain(ReadOnlySpan<char> domain)
    {
        var labels = 0;
        foreach (var range in domain.Split('.'))
        {
            var label = domain[range];
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                {
                    return false;
                }
            }

            labels++;
        }

        return labels >= 2;
    }
}
