using System.Globalization;

namespace Notices.Identity.StaffDirectory.Import;

/// <summary>
/// The checks that need the whole file and the directory: duplicate ids and emails, supervisors that exist,
/// exactly one head of the agency, and no supervisor loop. The directory is the state after the import:
/// the file's rows plus the employees the file does not mention.
/// </summary>
internal static class DirectoryValidator
{
    /// <param name="rows">The rows that passed their own checks.</param>
    /// <param name="fileIds">The ids of every row of the file, including rows refused by their own checks.</param>
    public static void Validate(
        IReadOnlyList<DirectoryRecord> rows,
        IReadOnlySet<string> fileIds,
        IReadOnlyDictionary<string, DirectoryRecord> existing,
        bool deactivateMissing,
        ImportProblems problems)
    {
        var complete = fileIds.Count == rows.Count;
        if (fileIds.Count == 0 && deactivateMissing && existing.Count > 0)
        {
            problems.Add(1, "file", "has no employees; a full load of an empty file would mark the whole directory separated");
            return;
        }

        var byId = new Dictionary<string, DirectoryRecord>(rows.Count, StringComparer.Ordinal);
        var byEmail = new Dictionary<string, DirectoryRecord>(rows.Count, StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (!byId.TryAdd(row.EmployeeId, row))
            {
                problems.Add(row.Line, "employee_id", $"{DirectoryCsvReader.Show(row.EmployeeId)} is a duplicate of {problems.Locate(byId[row.EmployeeId].Line)}");
            }

            if (!byEmail.TryAdd(row.EmailNormalized, row))
            {
                problems.Add(row.Line, "email", $"{DirectoryCsvReader.Show(row.Email)} duplicates the email on {problems.Locate(byEmail[row.EmailNormalized].Line)} (emails are unique regardless of case)");
            }
        }

        // Employees the file leaves as they are (or deactivates) keep their emails.
        foreach (var other in existing.Values)
        {
            if (!byId.ContainsKey(other.EmployeeId) && byEmail.TryGetValue(other.EmailNormalized, out var row))
            {
                problems.Add(row.Line, "email", $"{DirectoryCsvReader.Show(row.Email)} already belongs to employee {other.EmployeeId} in the directory (emails are unique regardless of case)");
            }
        }

        foreach (var row in rows)
        {
            if (row.SupervisorId is { } supervisor && !fileIds.Contains(supervisor) && !existing.ContainsKey(supervisor))
            {
                problems.Add(row.Line, "supervisor_id", $"{DirectoryCsvReader.Show(supervisor)} is neither in this file nor in the directory");
            }
        }

        CheckHead(rows, byId, existing, deactivateMissing, complete, problems);
        CheckLoops(byId, existing, problems);
    }

    private static void CheckHead(
        IReadOnlyList<DirectoryRecord> rows,
        Dictionary<string, DirectoryRecord> byId,
        IReadOnlyDictionary<string, DirectoryRecord> existing,
        bool deactivateMissing,
        bool complete,
        ImportProblems problems)
    {
        // A separated employee without a supervisor (a former head) does not count.
        var fileHeads = rows.Where(r => r.SupervisorId is null && r.Status != EmployeeStatus.Separated).ToList();
        var directoryHeads = deactivateMissing
            ? []
            : existing.Values.Where(e => e.SupervisorId is null && e.Status != EmployeeStatus.Separated && !byId.ContainsKey(e.EmployeeId)).ToList();
        var total = fileHeads.Count + directoryHeads.Count;
        if (total <= 1)
        {
            // A refused row may be the head: only a complete file can be missing one.
            if (total == 0 && complete && rows.Count > 0)
            {
                problems.Add(1, "supervisor_id", "no employee is the head of the agency: exactly one must have an empty supervisor_id");
            }

            return;
        }

        var heads = string.Join(", ", fileHeads.Take(5).Select(h => $"{h.EmployeeId} ({problems.Locate(h.Line)})")
            .Concat(directoryHeads.Take(5).Select(h => $"{h.EmployeeId} (in the directory)")));
        foreach (var head in fileHeads)
        {
            problems.Add(head.Line, "supervisor_id", string.Create(
                CultureInfo.InvariantCulture,
                $"is empty, but only the head of the agency may have no supervisor and there would be {total}: {heads}"));
        }
    }

    private static void CheckLoops(
        Dictionary<string, DirectoryRecord> byId,
        IReadOnlyDictionary<string, DirectoryRecord> existing,
        ImportProblems problems)
    {
        // Every employee after the import, as an index, with the index of their supervisor (-1 for none or unknown).
        var nodes = new List<DirectoryRecord>(byId.Count + existing.Count);
        var index = new Dictionary<string, int>(byId.Count + existing.Count, StringComparer.Ordinal);
        foreach (var row in byId.Values)
        {
            index[row.EmployeeId] = nodes.Count;
            nodes.Add(row);
        }

        foreach (var other in existing.Values)
        {
            if (index.TryAdd(other.EmployeeId, nodes.Count))
            {
                nodes.Add(other);
            }
        }

        var parent = new int[nodes.Count];
        for (var i = 0; i < nodes.Count; i++)
        {
            parent[i] = nodes[i].SupervisorId is { } s && index.TryGetValue(s, out var p) ? p : -1;
        }

        // 0 = not seen, 1 = on the current walk, 2 = done.
        var state = new byte[nodes.Count];
        var path = new List<int>();
        for (var start = 0; start < nodes.Count; start++)
        {
            path.Clear();
            var current = start;
            while (current >= 0 && state[current] == 0)
            {
                state[current] = 1;
                path.Add(current);
                current = parent[current];
            }

            if (current >= 0 && state[current] == 1)
            {
                var cycle = path.Skip(path.IndexOf(current)).ToList();
                var chain = string.Join(" -> ", cycle.Take(8).Select(i => nodes[i].EmployeeId))
                    + (cycle.Count > 8 ? " -> ..." : string.Empty) + " -> " + nodes[current].EmployeeId;
                foreach (var member in cycle)
                {
                    if (nodes[member].Line > 0)
                    {
                        problems.Add(nodes[member].Line, "supervisor_id", string.Create(
                            CultureInfo.InvariantCulture,
                            $"supervisor loop of {cycle.Count} employee(s): {chain}"));
                    }
                }
            }

            foreach (var visited in path)
            {
                state[visited] = 2;
            }
        }
    }
}
