using CsvHelper;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Notices.Reporting.Roster;

/// <summary>Writes a table to CSV (CsvHelper) or Excel (the Open XML SDK's streaming writer), row by row.</summary>
internal static class RosterWriters
{
    /// <summary>RFC 4180 CSV in UTF-8 with a byte order mark (so Excel reads accents), written straight to <paramref name="output"/>.</summary>
    /// <returns>The number of data rows written.</returns>
    public static async Task<int> WriteCsvAsync(Stream output, IReadOnlyList<string> columns, IAsyncEnumerable<IReadOnlyList<string>> rows, CancellationToken cancellationToken)
    {
        // EndRecordAsync writes the buffer out asynchronously when it is mostly full (Kestrel refuses synchronous
        // writes). Cells arrive already formula-safe (FormulaSafe), so CsvHelper's own injection handling stays off.
        await using var csv = CsvWriter.Create(output, CsvWriterOptions.Default with { WriteByteOrderMark = true, Injection = CsvInjection.None }, leaveOpen: true);
        foreach (var column in columns)
        {
            csv.WriteField(column);
        }

        await csv.EndRecordAsync(cancellationToken);
        var count = 0;
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            foreach (var cell in row)
            {
                csv.WriteField(cell);
            }

            await csv.EndRecordAsync(cancellationToken);
            count++;
        }

        await csv.FlushAsync(cancellationToken);
        return count;
    }

    /// <summary>
    /// One worksheet of inline-string cells, written with <see cref="OpenXmlWriter"/> (SAX-style: no document tree in
    /// memory) to a temporary file that deletes itself, then copied to <paramref name="output"/>: a zip package needs a
    /// seekable stream, and the response body is not one.
    /// </summary>
    public static async Task<int> WriteXlsxAsync(Stream output, string sheetName, IReadOnlyList<string> columns, IAsyncEnumerable<IReadOnlyList<string>> rows, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(Path.Combine(Path.GetTempPath(), $"notices-{Guid.NewGuid():N}.xlsx"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None,
            1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        var count = 0;
        using (var document = SpreadsheetDocument.Create(file, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            var sheet = workbook.AddNewPart<WorksheetPart>();
            using (var writer = OpenXmlWriter.Create(sheet))
            {
                writer.WriteStartElement(new Worksheet());
                writer.WriteStartElement(new SheetData());
                WriteRow(writer, columns);
                await foreach (var row in rows.WithCancellation(cancellationToken))
                {
                    WriteRow(writer, row);
                    count++;
                }

                writer.WriteEndElement();
                writer.WriteEndElement();
            }

            workbook.Workbook = new Workbook(new Sheets(new Sheet { Id = workbook.GetIdOfPart(sheet), SheetId = 1, Name = sheetName }));
            workbook.Workbook.Save();
        }

        file.Position = 0;
        await file.CopyToAsync(output, cancellationToken);
        return count;
    }

    private static void WriteRow(OpenXmlWriter writer, IReadOnlyList<string> cells)
    {
        writer.WriteStartElement(new Row());
        foreach (var cell in cells)
        {
            writer.WriteElement(new Cell
            {
                DataType = CellValues.InlineString,
                InlineString = new InlineString(new Text(XmlText(cell)) { Space = SpaceProcessingModeValues.Preserve }),
            });
        }

        writer.WriteEndElement();
    }

    /// <summary>Drops the control characters XML 1.0 cannot hold (a worksheet is XML); tab, CR and LF stay.</summary>
    private static string XmlText(string value)
    {
        if (!value.Any(c => c < 0x20 && c is not ('\t' or '\r' or '\n')))
        {
            return value;
        }

        return new string([.. value.Where(c => c >= 0x20 || c is '\t' or '\r' or '\n')]);
    }
}
