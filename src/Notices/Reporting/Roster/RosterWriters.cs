using System.IO.Compression;
using System.Text;
using CsvHelper;
using DocumentFormat.OpenXml;
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
    /// One worksheet of inline-string cells. The sheet is written with <see cref="OpenXmlWriter"/> (SAX-style: no
    /// document tree) into a zip opened for writing only, so each entry streams out as it is written; the few fixed
    /// parts around it are written as they are. The zip goes to a temporary file that deletes itself, then to
    /// <paramref name="output"/> asynchronously (Kestrel refuses the zip's synchronous writes). The SDK's own package
    /// (System.IO.Packaging) opens read-write and held every entry in memory until it closed: 157 MB for 50,000 rows.
    /// </summary>
    public static async Task<int> WriteXlsxAsync(Stream output, string sheetName, IReadOnlyList<string> columns, IAsyncEnumerable<IReadOnlyList<string>> rows, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(Path.Combine(Path.GetTempPath(), $"notices-{Guid.NewGuid():N}.xlsx"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None,
            1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        var count = 0;
        using (var zip = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true))
        {
            Part(zip, "[Content_Types].xml", ContentTypes);
            Part(zip, "_rels/.rels", PackageRelationships);
            Part(zip, "xl/workbook.xml", Workbook(sheetName));
            Part(zip, "xl/_rels/workbook.xml.rels", WorkbookRelationships);
            await using var sheet = zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.Fastest).Open();
            using var writer = OpenXmlWriter.Create(sheet);
            writer.WriteStartDocument(true);
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
            writer.Close();
        }

        file.Position = 0;
        await file.CopyToAsync(output, cancellationToken);
        return count;
    }

    private const string ContentTypes = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>
        """;

    private const string PackageRelationships = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>
        """;

    private const string WorkbookRelationships = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>
        """;

    private static string Workbook(string sheetName) => $"""
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{System.Security.SecurityElement.Escape(sheetName)}" sheetId="1" r:id="rId1"/></sheets></workbook>
        """;

    private static void Part(ZipArchive zip, string name, string xml)
    {
        using var stream = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
        var bytes = Encoding.UTF8.GetBytes(xml);
        stream.Write(bytes);
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
