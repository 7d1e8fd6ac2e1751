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

    private const int EmployeeId = 0;

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
        var fields = new string[Columns.Length];
        for (var column = 0; column < Columns.Length; column++)
        {
            fields[column] = parser.GetString(map[column]);
        }

        return DirectoryRowRules.Check(fields, line, problems, pool, fileIds);
    }

    /// <summary>A value quoted for a problem line: control characters removed, long values cut.</summary>
    internal static string Show(string value)
    {
        var clean = new string(value.Where(c => !char.IsControl(c)).Take(60).ToArray());
        return "'" + clean + (value.Length > 60 ? "…" : string.Empty) + "'";
    }
}
