using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using MimeKit;
using Notices.Data;
using Notices.Identity.Mail;
using Notices.Mail;
using Notices.Mail.Rendering;
using Notices.Templates;

namespace Notices.Delivery.Outbox;

/// <summary>
/// The host's side of <see cref="IMailOutbox"/>: renders the template, builds the message with the one set of header
/// rules, seals it and inserts its outbox row on the caller's own connection and transaction, so the message exists
/// exactly when the change that caused it commits (on SQLite and PostgreSQL alike: one database, one transaction).
/// </summary>
internal sealed partial class MailOutbox(
    IServiceScopeFactory scopes,
    IMailRenderer renderer,
    MailMessageFactory messages,
    TransactionalMail sealing,
    OutboxCommitSignal commits,
    TimeProvider time,
    ILogger<MailOutbox> logger) : IMailOutbox
{
    private static readonly ValueConverter<DateTimeOffset, long> SqliteTime = new DateTimeOffsetToBinaryConverter();

    public async Task<QueuedMail> QueueAsync<TModel>(DbContext db, TModel model, MailEnvelope envelope, CancellationToken cancellationToken = default)
        where TModel : IEmailModel
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(envelope);
        using var message = await BuildAsync(model, envelope, cancellationToken);
        return await QueueMessageAsync(db, message, envelope.Category, envelope.Reference, envelope.EmployeeId, cancellationToken);
    }

    public async Task<QueuedMail> QueueAsync<TModel>(TModel model, MailEnvelope envelope, CancellationToken cancellationToken = default)
        where TModel : IEmailModel
    {
        ArgumentNullException.ThrowIfNull(envelope);
        using var message = await BuildAsync(model, envelope, cancellationToken);
        // Sealed before the transaction: a first use of Data Protection writes its key, which on SQLite would wait for
        // the write lock this transaction holds.
        var payload = sealing.Seal(message);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var queued = await InsertAsync(db, message, payload, envelope.Category, envelope.Reference, envelope.EmployeeId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return queued;
    }

    /// <summary>Queues a message already built (the notice email's test send) inside the transaction open on <paramref name="db"/>.</summary>
    public Task<QueuedMail> QueueMessageAsync(DbContext db, MimeMessage message, string category, string? reference, string? employeeId, CancellationToken cancellationToken) =>
        InsertAsync(db, message, sealing.Seal(message), category, reference, employeeId, cancellationToken);

    private async Task<QueuedMail> InsertAsync(DbContext db, MimeMessage message, byte[] payload, string category, string? reference, string? employeeId, CancellationToken cancellationToken)
    {
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Queue an email inside the database transaction of the change that causes it (BeginTransactionAsync first).");
        if (string.IsNullOrWhiteSpace(category) || category.Length > 40)
        {
            throw new ArgumentException("A category is 1-40 characters.", nameof(category));
        }

        if (reference is { Length: > 100 })
        {
            throw new ArgumentException("A reference is at most 100 characters.", nameof(reference));
        }

        var to = message.To.Mailboxes.Single();
        var messageId = message.MessageId ?? throw new ArgumentException("The message has no Message-ID.", nameof(message));
        var now = time.GetUtcNow();
        var postgres = db.Database.IsNpgsql();
        await using var insert = transaction.Connection!.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = $"""
            INSERT INTO {(postgres ? "notices.outbox" : "\"outbox\"")}
                ("EmployeeId", "Email", "DisplayName", "JobSeries", "PayPlan", "Organization", "DutyState", "MessageId",
                 "State", "Attempts", "UpdatedAt", "QueuedAt", "Category", "Reference", "Payload")
            VALUES (@employee, @email, @name, '', '', '', '', @messageId, {OutboxSql.Queued}, 0, @now, @now, @category, @reference, @payload)
            RETURNING "Id"
            """;
        Add(insert, "employee", employeeId ?? "");
        Add(insert, "email", to.Address);
        Add(insert, "name", to.Name ?? "");
        Add(insert, "messageId", messageId);
        Add(insert, "now", postgres ? now : SqliteTime.ConvertToProvider(now)!);
        Add(insert, "category", category);
        Add(insert, "reference", reference);
        Add(insert, "payload", payload);
        var id = Convert.ToInt64(await insert.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        LogQueued(logger, category, id, MailAddresses.Mask(to));
        commits.Queued(transaction);
        return new QueuedMail(id, messageId);
    }

    public async Task<OutboxMailStatus?> FindAsync(string messageId, CancellationToken cancellationToken = default)
    {
        var id = messageId.Trim().TrimStart('<').TrimEnd('>');
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
        var row = await db.Outbox.AsNoTracking()
            .Where(o => o.MessageId == id)
            .Select(o => new { o.Id, o.MessageId, o.State, o.Category, o.Reference, o.NoticeId, o.EmployeeId, o.Attempts, o.SentAt, o.LastDetail, o.BouncedAt })
            .FirstOrDefaultAsync(cancellationToken);
        return row is null
            ? null
            : new OutboxMailStatus(
                row.Id, row.MessageId, OutboxSql.Name(row.State), row.Category ?? "notice", row.Reference, row.NoticeId,
                row.EmployeeId.Length == 0 ? null : row.EmployeeId, row.Attempts, row.SentAt, row.LastDetail, row.BouncedAt);
    }

    public async Task<OutboxMailStatus?> RecordBounceAsync(string messageId, string detail, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        var id = messageId.Trim().TrimStart('<').TrimEnd('>');
        var reported = "bounced: " + (string.IsNullOrWhiteSpace(detail) ? "undeliverable" : detail.Trim());
        reported = reported.Length > 200 ? reported[..200] : reported;
        var now = time.GetUtcNow();
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
            var marked = await db.Outbox
                .Where(o => o.MessageId == id && o.BouncedAt == null)
                .ExecuteUpdateAsync(set => set.SetProperty(o => o.BouncedAt, now).SetProperty(o => o.LastDetail, reported).SetProperty(o => o.UpdatedAt, now), cancellationToken);
            if (marked == 1)
            {
                LogBounced(logger, id);
            }
        }

        return await FindAsync(id, cancellationToken);
    }

    private async Task<MimeMessage> BuildAsync<TModel>(TModel model, MailEnvelope envelope, CancellationToken cancellationToken)
        where TModel : IEmailModel
    {
        var content = await renderer.RenderAsync(model, cancellationToken);
        return messages.Create(
            new MailAddressing
            {
                To = envelope.To,
                ToName = envelope.ToName,
                FromName = envelope.FromName,
                ReplyTo = envelope.ReplyTo,
                InReplyTo = envelope.InReplyTo,
                AutoSubmitted = envelope.AutoSubmitted,
            },
            content);
    }

    private static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@" + name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    [LoggerMessage(LogLevel.Warning, "Message {MessageId} bounced: its recipient is undeliverable")]
    private static partial void LogBounced(ILogger logger, string messageId);

    [LoggerMessage(LogLevel.Information, "Queued {Category} email {Row} to {Recipient}")]
    private static partial void LogQueued(ILogger logger, string category, long row, string recipient);
}
