using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using CsvHelper;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.DependencyInjection;
using Notices.Data;
using Notices.Delivery.Outbox;
using Notices.Testing;

namespace Notices.Tests.Reporting;

/// <summary>Intents for the reporting tests: deliver rows, change people in the directory, read exports back with their libraries.</summary>
internal static class ReportingIntents
{
    /// <summary>Marks a recipient's outbox row as the workers would: sent at <paramref name="at"/>, or failed.</summary>
    public static async Task MarkDeliveredAsync(this NoticesAppFactory app, Guid noticeId, string employeeId, DateTimeOffset at, bool failed = false)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
        var updated = await db.Outbox.Where(o => o.NoticeId == noticeId && o.EmployeeId == employeeId).ExecuteUpdateAsync(s => s
            .SetProperty(o => o.State, failed ? OutboxState.Failed : OutboxState.Sent)
            .SetProperty(o => o.SentAt, failed ? null : at)
            .SetProperty(o => o.UpdatedAt, at));
        Assert.Equal(1, updated);
    }

    /// <summary>Records a bounce against a recipient's row, as the reply pipeline does (the row keeps its state).</summary>
    public static async Task MarkBouncedAsync(this NoticesAppFactory app, Guid noticeId, string employeeId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
        Assert.Equal(1, await db.Outbox.Where(o => o.NoticeId == noticeId && o.EmployeeId == employeeId).ExecuteUpdateAsync(s => s.SetProperty(o => o.BouncedAt, DateTimeOffset.UtcNow)));
    }

    /// <summary>Moves an approval request's creation and assignment back to <paramref name="at"/>, as if it had been made then.</summary>
    public static async Task BackdateRequestAsync(this NoticesAppFactory app, long approvalId, DateTimeOffset at)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
        // Signup's table, in its provider's shapes: SQLite keeps DateTimeOffset as a sortable 64-bit number.
        var sqlite = db.Database.IsSqlite();
        object when = sqlite ? new DateTimeOffsetToBinaryConverter().ConvertToProvider(at)! : at;
        var sql = sqlite
            ? "UPDATE approval_requests SET \"CreatedAt\" = {0}, \"AssignedAt\" = {0} WHERE \"Id\" = {1}"
            : "UPDATE signup.approval_requests SET \"CreatedAt\" = {0}, \"AssignedAt\" = {0} WHERE \"Id\" = {1}";
        Assert.Equal(1, await db.Database.ExecuteSqlAsync(FormattableStringFactory.Create(sql, when, approvalId)));
    }

    /// <summary>A client with no cookie jar, as a mail scanner fetches a link.</summary>
    public static HttpClient CreateScannerClient(this NoticesAppFactory app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

    public static async Task<HttpClient> RoleClientAsync(this NoticesAppFactory app, string employeeId, params string[] roles) =>
        app.CreateBearerClient(await app.IssueDevelopmentTokenAsync(employeeId, roles));

    public static List<string[]> ReadCsv(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        using var reader = CsvReader.Create(stream, CsvReaderOptions.Default with { HasHeader = false }, leaveOpen: false);
        var rows = new List<string[]>();
        while (reader.Read())
        {
            rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetString(i))]);
        }

        return rows;
    }

    /// <summary>Every row of the first worksheet, read with the Open XML SDK (inline and shared strings).</summary>
    public static List<string[]> ReadXlsx(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        using var document = SpreadsheetDocument.Open(stream, false);
        var workbook = document.WorkbookPart!;
        var sheet = workbook.Workbook.Sheets!.Elements<Sheet>().First();
        var part = (WorksheetPart)workbook.GetPartById(sheet.Id!);
        return [.. part.Worksheet.Descendants<Row>().Select(r => r.Elements<Cell>().Select(c =>
            c.DataType?.Value == CellValues.InlineString ? c.InlineString!.Text!.Text : c.CellValue?.Text ?? "").ToArray())];
    }

    public static bool IsCsv(HttpResponseMessage response) => response.Content.Headers.ContentType?.MediaType == "text/csv";

    public static string? FileName(HttpResponseMessage response) =>
        response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName;

    public static MediaTypeHeaderValue? Type(HttpResponseMessage response) => response.Content.Headers.ContentType;
}

internal static class AuditIntents
{
    public static async Task<IReadOnlyList<Identity.Audit.AuditEntry>> AuditForAsync(this NoticesAppFactory app, Identity.Audit.AuditSubject subject)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<Identity.Audit.IAuditTrail>().ForSubjectAsync(subject, 1, 100)).Entries;
    }
}
