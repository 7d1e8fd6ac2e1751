using System.Globalization;
using CsvHelper;

namespace Notices.Identity.StaffDirectory.Import;

/// <summary>
/// Reads a directory CSV, checking each row on its own (formats, lengths, required fields). Checks that need
/// the whole file or the directory (duplicates, supervisors, loops) are left to <see cref="DirectoryValidator"/>.
/// </summary>
internal static class DirectoryCsvReader
{
    public static readonly string[] Columns =
    [
        "employee_id", "display_name", "email", "job_series", "pay_plan", "grade", "position_title",
        "organization", "duty_city", "duty_state", "supervisor_id", "status",
    ];

    private const int EmployeeId = 0, DisplayName = 1, Email = 2, JobSeries = 3, PayPlan = 4, Grade = 5, PositionTitle = 6,
        Organization = 7, DutyCity = 8, DutyState = 9, SupervisorId = 10, Status = 11;

    /// <summary>
    /// The rows that passed their own checks, or null when the file cannot be read at all (header, encoding).
    /// <paramref name="fileIds"/> receives the id of every row, rejected ones included, so the later checks
    /// do not call a supervisor missing when only its row was wrong.
    /// </summary>
    public static List<DirectoryRecord>? Read(Stream stream, ImportProblems problems, HashSet<string> fileIds, IProgress<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        var options = CsvReaderOptions.Default with
        {
            Separator = ',',
            HasHeader = true,
            TrackLineNumbers = true,
            SkipEmptyLines = true,
            MalformedData = CsvMalformedDataHandling.Skip,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            MaxRecordSize = 1 << 20,
            IncludeValuesInExceptions = false,
            OnMalformedRecord = record => problems.Add(record.LineNumber, "row", Describe(record.Reason)),
        };

        using var reader = CsvReader.Create(stream, options, leaveOpen: true);
        var records = new List<DirectoryRecord>();
        var pool = new Dictionary<string, string>(StringComparer.Ordinal);
        long line = 1;
        try
        {
            var header = reader.Headers.ToArray();
            if (header.Length == 0 || (header.Length == 1 && header[0].Trim().Length == 0))
            {
                problems.Add(1, "header", "the file is empty; the first line must name the columns");
                return null;
            }

            var map = ReadHeader(header, problems);
            if (map is null)
            {
                return null;
            }

            while (reader.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                line = reader.LineNumber;
                if (reader.FieldCount != header.Length)
                {
                    if (reader.GetString(map[EmployeeId]).Trim() is { Length: > 0 } id)
                    {
                        fileIds.Add(id);
                    }

                    problems.Add(line, "row", string.Create(CultureInfo.InvariantCulture, $"has {reader.FieldCount} fields but the header names {header.Length} columns"));
                    continue;
                }

                var record = ReadRow(reader, map, line, problems, pool, fileIds);
                if (record is not null)
                {
                    records.Add(record);
                    if (records.Count % 50_000 == 0)
                    {
                        progress?.Report(new ImportProgress("read", records.Count));
                    }
                }
            }
        }
        catch (CsvFormatException e)
        {
            problems.Add(e.LineNumber > 0 ? e.LineNumber : line, "file", "cannot be read as CSV (" + e.Message + ")");
            return null;
        }

        progress?.Report(new ImportProgress("read", records.Count));
        return records;
    }

    private static string Describe(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.StrayQuote => "a quote appears inside an unquoted field; quote the whole field and double the inner quotes",
        CsvMalformedReason.TextAfterClosingQuote => "text follows the closing quote of a field",
        CsvMalformedReason.UnterminatedQuote => "a quoted field is never closed",
        CsvMalformedReason.FieldCountMismatch => "has a different number of fields than the header",
        _ => "is not valid CSV (" + reason + ")",
    };

    /// <summary>Column index in the file for each known column, in <see cref="Columns"/> order.</summary>
    private static int[]? ReadHeader(string[] header, ImportProblems problems)
    {
        var map = new int[Columns.Length];
        Array.Fill(map, -1);
        var ok = true;
        for (var i = 0; i < header.Length; i++)
        {
            var name = header[i].Trim();
            var known = Array.FindIndex(Columns, c => string.Equals(c, name, StringComparison.OrdinalIgnoreCase));
            if (known < 0)
            {
                problems.Add(1, "header", $"unknown column {Show(name)}; the columns are {string.Join(',', Columns)}");
                ok = false;
            }
            else if (map[known] >= 0)
            {
                problems.Add(1, "header", $"column {Columns[known]} appears twice");
                ok = false;
            }
            else
            {
                map[known] = i;
            }
        }

        for (var c = 0; c < Columns.Length; c++)
        {
            if (map[c] < 0)
            {
                problems.Add(1, "header", $"missing column {Columns[c]}");
                ok = false;
            }
        }

        return ok && header.Length == Columns.Length ? map : null;
    }

    private static DirectoryRecord? ReadRow(CsvReader parser, int[] map, long line, ImportProblems problems, Dictionary<string, string> pool, HashSet<string> fileIds)
    {
        var before = problems.Count;
        string Field(int column)
        {
            var value = parser.GetString(map[column]).Trim();
            if (value.AsSpan().ContainsAnyInRange('\u0000', '\u001F') || value.Contains('\u007F', StringComparison.Ordinal))
            {
                problems.Add(line, Columns[column], "contains a line break or another control character");
            }
            else if (value.Contains('\uFFFD', StringComparison.Ordinal))
            {
                problems.Add(line, Columns[column], "is not valid UTF-8 text; save the file as CSV UTF-8");
            }

            return value;
        }

        var employeeId = Field(EmployeeId);
        if (employeeId.Length > 0)
        {
            fileIds.Add(employeeId);
        }

        if (Required(employeeId, "employee_id") && Length(employeeId, "employee_id", FieldLimits.EmployeeId) && !IsIdentifier(employeeId))
        {
            problems.Add(line, "employee_id", $"{Show(employeeId)} may only contain letters, digits, '.', '_' and '-'");
        }

        var displayName = Field(DisplayName);
        if (Required(displayName, "display_name"))
        {
            Length(displayName, "display_name", FieldLimits.DisplayName);
        }

        var email = Field(Email);
        if (Required(email, "email") && Length(email, "email", FieldLimits.Email) && !EmailRules.IsValid(email))
        {
            problems.Add(line, "email", $"{Show(email)} is not a valid email address");
        }

        var series = Field(JobSeries);
        if (Required(series, "job_series") && (series.Length != 4 || !series.All(char.IsAsciiDigit)))
        {
            problems.Add(line, "job_series", $"{Show(series)} is not an OPM series; it must be 4 digits, such as 0343 or 1801");
        }

        var payPlan = Field(PayPlan).ToUpperInvariant();
        var gradeText = Field(Grade);
        int? grade = null;
        if (Required(payPlan, "pay_plan"))
        {
            if (!PayPlans.Grades.TryGetValue(payPlan, out var range))
            {
                problems.Add(line, "pay_plan", $"{Show(payPlan)} is not a known pay plan ({string.Join(", ", PayPlans.Grades.Keys.Order(StringComparer.Ordinal))})");
            }
            else if (range is null)
            {
                if (gradeText.Length > 0)
                {
                    problems.Add(line, "grade", $"{Show(gradeText)} is impossible: pay plan {payPlan} has no grades; leave it empty");
                }
            }
            else if (Required(gradeText, "grade"))
            {
                if (!int.TryParse(gradeText, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < range.Value.Min || value > range.Value.Max)
                {
                    problems.Add(line, "grade", string.Create(CultureInfo.InvariantCulture, $"{Show(gradeText)} is impossible for pay plan {payPlan} (grades {range.Value.Min}-{range.Value.Max})"));
                }
                else
                {
                    grade = value;
                }
            }
        }

        var title = Field(PositionTitle);
        if (Required(title, "position_title"))
        {
            Length(title, "position_title", FieldLimits.PositionTitle);
        }

        var organization = Field(Organization);
        if (Required(organization, "organization") && Length(organization, "organization", FieldLimits.Organization) && !OrganizationPath.IsValid(organization))
        {
            problems.Add(line, "organization", $"{Show(organization)} is not a path of names separated by '/' (no empty part, no leading or trailing '/')");
        }

        var city = Field(DutyCity);
        if (Required(city, "duty_city"))
        {
            Length(city, "duty_city", FieldLimits.DutyCity);
        }

        var state = Field(DutyState).ToUpperInvariant();
        if (Required(state, "duty_state") && !UsStates.Codes.Contains(state))
        {
            problems.Add(line, "duty_state", $"{Show(state)} is not a 2-letter USPS state code (DC and PR count)");
        }

        var supervisor = Field(SupervisorId);
        if (supervisor.Length > 0 && Length(supervisor, "supervisor_id", FieldLimits.EmployeeId) && !IsIdentifier(supervisor))
        {
            problems.Add(line, "supervisor_id", $"{Show(supervisor)} may only contain letters, digits, '.', '_' and '-'");
        }

        var statusText = Field(Status);
        var status = EmployeeStatus.Active;
        if (Required(statusText, "status") && !EmployeeStatusNames.TryParse(statusText, out status))
        {
            problems.Add(line, "status", $"{Show(statusText)} is not one of active, on_leave, separated");
        }

        if (problems.Count != before)
        {
            return null;
        }

        return new DirectoryRecord
        {
            Line = checked((int)line),
            EmployeeId = employeeId,
            DisplayName = displayName,
            Email = email,
            EmailNormalized = EmailRules.Normalize(email),
            JobSeries = Intern(pool, series),
            PayPlan = Intern(pool, payPlan),
            Grade = grade,
            PositionTitle = Intern(pool, title),
            Organization = Intern(pool, organization),
            DutyCity = Intern(pool, city),
            DutyState = Intern(pool, state),
            SupervisorId = supervisor.Length == 0 ? null : supervisor,
            Status = status,
        };

        bool Required(string value, string field)
        {
            if (value.Length > 0)
            {
                return true;
            }

            problems.Add(line, field, "is required");
            return false;
        }

        bool Length(string value, string field, int max)
        {
            if (value.Length <= max)
            {
                return true;
            }

            problems.Add(line, field, string.Create(CultureInfo.InvariantCulture, $"is {value.Length} characters long; at most {max} are allowed"));
            return false;
        }
    }

    private static bool IsIdentifier(string value) => value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    private static string Intern(Dictionary<string, string> pool, string value)
    {
        if (pool.TryGetValue(value, out var pooled))
        {
            return pooled;
        }

        if (pool.Count < 100_000)
        {
            pool[value] = value;
        }

        return value;
    }

    /// <summary>A value quoted for a problem line: control characters removed, long values cut.</summary>
    internal static string Show(string value)
    {
        var clean = new string(value.Where(c => !char.IsControl(c)).Take(60).ToArray());
        return "'" + clean + (value.Length > 60 ? "…" : string.Empty) + "'";
    }
}
