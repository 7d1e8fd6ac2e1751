using System.Globalization;

namespace Notices.Identity.StaffDirectory.Import;

/// <summary>
/// The checks of one directory record on its own (formats, lengths, required fields), whatever its source: a CSV row
/// or a Graph user. Checks that need every record or the directory are <see cref="DirectoryValidator"/>'s.
/// </summary>
internal static class DirectoryRowRules
{
    private static readonly string[] Columns = DirectoryCsvReader.Columns;

    private const int EmployeeId = 0, DisplayName = 1, Email = 2, JobSeries = 3, PayPlan = 4, Grade = 5, PositionTitle = 6,
        Organization = 7, DutyCity = 8, DutyState = 9, SupervisorId = 10, Status = 11;

    /// <summary>
    /// Checks one record's raw fields (in <see cref="DirectoryCsvReader.Columns"/> order) and builds it, or returns null
    /// after adding its problems. <paramref name="ids"/> receives its employee id even when the record is refused.
    /// </summary>
    public static DirectoryRecord? Check(string[] fields, long line, ImportProblems problems, Dictionary<string, string> pool, HashSet<string> ids)
    {
        var before = problems.Count;
        string Field(int column)
        {
            var value = fields[column].Trim();
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
            ids.Add(employeeId);
        }

        if (Required(employeeId, "employee_id") && Length(employeeId, "employee_id", FieldLimits.EmployeeId) && !IsIdentifier(employeeId))
        {
            problems.Add(line, "employee_id", $"{DirectoryCsvReader.Show(employeeId)} may only contain letters, digits, '.', '_' and '-'");
        }

        var displayName = Field(DisplayName);
        if (Required(displayName, "display_name"))
        {
            Length(displayName, "display_name", FieldLimits.DisplayName);
        }

        var email = Field(Email);
        if (Required(email, "email") && Length(email, "email", FieldLimits.Email) && !EmailRules.IsValid(email))
        {
            problems.Add(line, "email", $"{DirectoryCsvReader.Show(email)} is not a valid email address");
        }

        var series = Field(JobSeries);
        if (Required(series, "job_series") && (series.Length != 4 || !series.All(char.IsAsciiDigit)))
        {
            problems.Add(line, "job_series", $"{DirectoryCsvReader.Show(series)} is not an OPM series; it must be 4 digits, such as 0343 or 1801");
        }

        var payPlan = Field(PayPlan).ToUpperInvariant();
        var gradeText = Field(Grade);
        int? grade = null;
        if (Required(payPlan, "pay_plan"))
        {
            if (!PayPlans.Grades.TryGetValue(payPlan, out var range))
            {
                problems.Add(line, "pay_plan", $"{DirectoryCsvReader.Show(payPlan)} is not a known pay plan ({string.Join(", ", PayPlans.Grades.Keys.Order(StringComparer.Ordinal))})");
            }
            else if (range is null)
            {
                if (gradeText.Length > 0)
                {
                    problems.Add(line, "grade", $"{DirectoryCsvReader.Show(gradeText)} is impossible: pay plan {payPlan} has no grades; leave it empty");
                }
            }
            else if (Required(gradeText, "grade"))
            {
                if (!int.TryParse(gradeText, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < range.Value.Min || value > range.Value.Max)
                {
                    problems.Add(line, "grade", string.Create(CultureInfo.InvariantCulture, $"{DirectoryCsvReader.Show(gradeText)} is impossible for pay plan {payPlan} (grades {range.Value.Min}-{range.Value.Max})"));
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
            problems.Add(line, "organization", $"{DirectoryCsvReader.Show(organization)} is not a path of names separated by '/' (no empty part, no leading or trailing '/')");
        }

        var city = Field(DutyCity);
        if (Required(city, "duty_city"))
        {
            Length(city, "duty_city", FieldLimits.DutyCity);
        }

        var state = Field(DutyState).ToUpperInvariant();
        if (Required(state, "duty_state") && !UsStates.Codes.Contains(state))
        {
            problems.Add(line, "duty_state", $"{DirectoryCsvReader.Show(state)} is not a 2-letter USPS state code (DC and PR count)");
        }

        var supervisor = Field(SupervisorId);
        if (supervisor.Length > 0 && Length(supervisor, "supervisor_id", FieldLimits.EmployeeId) && !IsIdentifier(supervisor))
        {
            problems.Add(line, "supervisor_id", $"{DirectoryCsvReader.Show(supervisor)} may only contain letters, digits, '.', '_' and '-'");
        }

        var statusText = Field(Status);
        var status = EmployeeStatus.Active;
        if (Required(statusText, "status") && !EmployeeStatusNames.TryParse(statusText, out status))
        {
            problems.Add(line, "status", $"{DirectoryCsvReader.Show(statusText)} is not one of active, on_leave, separated");
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
}
