using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Notices.Signup.Approvals;
using Notices.Signup.Database;
using Notices.Signup.Responses;
using Notices.Testing;

namespace Notices.Signup.Tests;

/// <summary>Reads Signup's own tables in tests (this test project sees its module's internals).</summary>
internal static class SignupApp
{
    public static async Task<List<SignupResponse>> ResponsesAsync(this NoticesAppFactory app, Guid noticeId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SignupDbContext>().Responses.AsNoTracking().Where(r => r.NoticeId == noticeId).ToListAsync();
    }

    public static async Task<List<ApprovalRequest>> ApprovalsAsync(this NoticesAppFactory app, Guid noticeId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SignupDbContext>().Approvals.AsNoTracking().Where(a => a.NoticeId == noticeId).OrderBy(a => a.Id).ToListAsync();
    }

    /// <summary>The transactional messages queued so far with this category, by recipient address.</summary>
    public static async Task<List<string>> QueuedToAsync(this NoticesAppFactory app, string category)
    {
        var rows = await app.TransactionalMessagesAsync();
        return rows.Where(r => r.Category == category).Select(r => r.Email).ToList();
    }

    public static async Task<Identity.Audit.AuditPage> AuditAsync(this NoticesAppFactory app, Identity.Audit.AuditSubject subject)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<Identity.Audit.IAuditTrail>().ForSubjectAsync(subject, 1, 100);
    }

    /// <summary>Forgets queued decision emails (the one-winner test decides the same request round after round).</summary>
    public static async Task ClearDecisionMailAsync(this NoticesAppFactory app) => await app.DeleteTransactionalMailAsync("approval-decision");

    public static async Task<HttpClient> ApproverClientAsync(this NoticesAppFactory app, string employeeId, params string[] roles) =>
        app.CreateBearerClient(await app.IssueDevelopmentTokenAsync(employeeId, roles));
}

/// <summary>Keeps every log line the app writes, at every level.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
