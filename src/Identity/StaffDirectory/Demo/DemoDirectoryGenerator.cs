using System.Globalization;
using System.Text;
using CsvHelper;
using Notices.Identity.StaffDirectory.Import;

namespace Notices.Identity.StaffDirectory.Demo;

/// <summary>
/// A deterministic demo directory: the same size and seed give the same file on every machine.
/// One head (the Director), chiefs for every unit, teams of 8-14 under supervisors of a higher grade,
/// all supervisors in their staff's organisation subtree.
/// </summary>
internal static class DemoDirectoryGenerator
{
    public const int DefaultEmployees = 20_000;

    public static IReadOnlyList<StaffMember> Generate(int employees, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(employees, 1);
        var random = new DemoRandom(seed);
        var builder = new Builder(random);
        var units = Select(DemoAgency.Build(), maxUnits: Math.Max(1, employees / 4));
        var staffBudget = employees - units.Count;
        var leafUnits = units.Where(u => u.Work is not null).ToList();
        var shares = Apportion(staffBudget, leafUnits.Select(u => u.Weight).ToList());

        // Chiefs first, top-down, so each unit's chief exists before its children's chiefs.
        var chiefs = new Dictionary<SelectedUnit, StaffMember>();
        foreach (var unit in units)
        {
            var parentChief = unit.Parent is null ? null : chiefs[unit.Parent];
            chiefs[unit] = builder.Chief(unit, parentChief);
        }

        for (var i = 0; i < leafUnits.Count; i++)
        {
            builder.Staff(leafUnits[i], chiefs[leafUnits[i]], shares[i]);
        }

        return builder.Employees;
    }

    public static void WriteCsv(IEnumerable<StaffMember> employees, TextWriter writer)
    {
        using var csv = CsvWriter.Create(writer, CsvWriterOptions.Default with { NewLine = "\n" }, leaveOpen: true);
        foreach (var column in DirectoryCsvReader.Columns)
        {
            csv.WriteField(column);
        }

        csv.EndRecord();
        foreach (var e in employees)
        {
            csv.WriteField(e.EmployeeId);
            csv.WriteField(e.DisplayName);
            csv.WriteField(e.Email);
            csv.WriteField(e.JobSeries);
            csv.WriteField(e.PayPlan);
            csv.WriteField(e.Grade?.ToString(CultureInfo.InvariantCulture) ?? string.Empty);
            csv.WriteField(e.PositionTitle);
            csv.WriteField(e.Organization);
            csv.WriteField(e.DutyCity);
            csv.WriteField(e.DutyState);
            csv.WriteField(e.SupervisorId ?? string.Empty);
            csv.WriteField(e.Status.ToName());
            csv.EndRecord();
        }

        csv.Flush();
    }

    /// <summary>The CSV as UTF-8 bytes in memory (the demo sizes are small enough).</summary>
    public static MemoryStream ToCsvStream(IEnumerable<StaffMember> employees)
    {
        var stream = new MemoryStream();
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true))
        {
            WriteCsv(employees, writer);
        }

        stream.Position = 0;
        return stream;
    }

    internal sealed class SelectedUnit(OrgNode node, string path, SelectedUnit? parent)
    {
        public OrgNode Node { get; } = node;

        public string Path { get; } = path;

        public SelectedUnit? Parent { get; } = parent;

        public WorkProfile? Work { get; set; } = node.Work;

        public int Weight { get; set; } = node.Weight;
    }

    /// <summary>Breadth first, so a small directory keeps the top of the agency; a unit cut off from its children does their work itself.</summary>
    private static List<SelectedUnit> Select(OrgNode root, int maxUnits)
    {
        var selected = new List<SelectedUnit>();
        var queue = new Queue<SelectedUnit>();
        queue.Enqueue(new SelectedUnit(root, root.Name, null));
        while (queue.Count > 0 && selected.Count < maxUnits)
        {
            var unit = queue.Dequeue();
            selected.Add(unit);
            foreach (var child in unit.Node.Children)
            {
                queue.Enqueue(new SelectedUnit(child, unit.Path + "/" + child.Name, unit));
            }
        }

        var parents = selected.Where(u => u.Parent is not null).Select(u => u.Parent!).ToHashSet();
        foreach (var unit in selected)
        {
            if (unit.Work is null && !parents.Contains(unit))
            {
                unit.Work = DemoAgency.FrontOffice;
                unit.Weight = 10;
            }
        }

        if (!selected.Any(u => u.Work is not null))
        {
            selected[0].Work = DemoAgency.FrontOffice;
            selected[0].Weight = 10;
        }

        return selected;
    }

    /// <summary>Splits <paramref name="total"/> by weight, largest remainders first, deterministically.</summary>
    private static int[] Apportion(int total, IReadOnlyList<int> weights)
    {
        var sum = weights.Sum();
        var shares = new int[weights.Count];
        if (sum == 0 || total <= 0)
        {
            return shares;
        }

        var remainders = new (double Remainder, int Index)[weights.Count];
        var given = 0;
        for (var i = 0; i < weights.Count; i++)
        {
            var exact = (double)total * weights[i] / sum;
            shares[i] = (int)Math.Floor(exact);
            given += shares[i];
            remainders[i] = (exact - shares[i], i);
        }

        foreach (var (_, index) in remainders.OrderByDescending(r => r.Remainder).ThenBy(r => r.Index).Take(total - given))
        {
            shares[index]++;
        }

        return shares;
    }

    private sealed class Builder(DemoRandom random)
    {
        private readonly Dictionary<string, int> _emails = new(StringComparer.Ordinal);

        public List<StaffMember> Employees { get; } = [];

        public StaffMember Chief(SelectedUnit unit, StaffMember? parentChief)
        {
            (string PayPlan, int? Grade) pay = parentChief is null || (unit.Node.Senior && parentChief.PayPlan == "SES")
                ? ("SES", null)
                : ("GS", Math.Max(12, Rank(parentChief) - 1));
            var series = unit.Work?.Series[0].Series.Code switch
            {
                "0905" => "0905",
                "2210" => "2210",
                _ => "0340",
            };
            return Add(series, pay.PayPlan, pay.Grade, unit.Node.ChiefTitle, unit, parentChief, EmployeeStatus.Active);
        }

        /// <summary>Staff of a unit: sections (in big units) of teams, each team under its own supervisor.</summary>
        public void Staff(SelectedUnit unit, StaffMember chief, int count)
        {
            var work = unit.Work!;
            if (count <= 14)
            {
                var team = random.Weighted(work.Series);
                for (var i = 0; i < count; i++)
                {
                    Member(unit, chief, i == 0 ? team : random.Weighted(work.Series));
                }

                return;
            }

            var teamSize = random.Between(8, 13);
            var teams = (count + teamSize) / (teamSize + 1);
            var sections = teams > 10 ? (teams + 6) / 7 : 0;
            var members = count - teams - sections;
            var sectionChiefs = new List<StaffMember>();
            for (var s = 0; s < sections; s++)
            {
                var series = work.Series[0].Series;
                var grade = Math.Min(Rank(chief) - 1, 14);
                sectionChiefs.Add(Add(series.Code, "GS", grade, "Section Chief, " + series.Title, unit, chief, EmployeeStatus.Active));
            }

            for (var t = 0; t < teams; t++)
            {
                var above = sections > 0 ? sectionChiefs[t % sections] : chief;
                var series = random.Weighted(work.Series);
                var lead = Lead(unit, above, series);
                var size = members / teams + (t < members % teams ? 1 : 0);
                for (var m = 0; m < size; m++)
                {
                    // Most of a team shares its supervisor's occupation.
                    var memberSeries = random.Next(100) < 80 ? series : random.Weighted(work.Series);
                    if (memberSeries.PayPlan != series.PayPlan)
                    {
                        memberSeries = series;
                    }

                    Member(unit, lead, memberSeries);
                }
            }
        }

        private StaffMember Lead(SelectedUnit unit, StaffMember above, SeriesInfo series)
        {
            if (series.LeadPayPlan == "WS")
            {
                return Add(series.Code, "WS", series.LeadGrade, series.LeadTitle, unit, above, EmployeeStatus.Active);
            }

            var grade = Math.Max(2, Math.Min(series.LeadGrade, Rank(above) - 1));
            return Add(series.Code, series.PayPlan, grade, series.LeadTitle, unit, above, random.Next(100) < 2 ? EmployeeStatus.OnLeave : EmployeeStatus.Active);
        }

        private void Member(SelectedUnit unit, StaffMember supervisor, SeriesInfo series)
        {
            var cap = series.PayPlan == "WG" && supervisor.PayPlan != "WS" ? series.MaxGrade : Math.Min(series.MaxGrade, Rank(supervisor) - 1);
            var grade = Math.Max(1, random.Between(Math.Min(series.MinGrade, cap), cap));
            var roll = random.Next(1000);
            var status = roll < 12 ? EmployeeStatus.Separated : roll < 55 ? EmployeeStatus.OnLeave : EmployeeStatus.Active;
            Add(series.Code, series.PayPlan, grade, series.Title, unit, supervisor, status);
        }

        private StaffMember Add(string series, string payPlan, int? grade, string title, SelectedUnit unit, StaffMember? supervisor, EmployeeStatus status)
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"E{Employees.Count + 1:D7}");
            var first = random.Pick(DemoNames.First);
            var last = random.Pick(DemoNames.Last);
            var employee = new StaffMember(
                id, first + " " + last, Email(first, last), series, payPlan, grade, title, unit.Path,
                unit.Node.City, unit.Node.State, supervisor?.EmployeeId, status);
            Employees.Add(employee);
            return employee;
        }

        private string Email(string first, string last)
        {
            var local = Clean(first) + "." + Clean(last);
            var n = _emails.TryGetValue(local, out var seen) ? seen + 1 : 1;
            _emails[local] = n;
            return (n == 1 ? local : local + n.ToString(CultureInfo.InvariantCulture)) + "@agency.example";
        }

        private static string Clean(string name) =>
            new string(name.ToLowerInvariant().Where(c => char.IsAsciiLetterLower(c) || c == '-').ToArray());

        private static int Rank(StaffMember employee) => PayPlans.Rank(employee.PayPlan, employee.Grade) >= 100 ? 16 : employee.Grade ?? 0;
    }
}
