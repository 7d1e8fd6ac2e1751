using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using Notices.Identity.Authorization;
using Notices.Identity.Mail;
using Notices.Identity.StaffDirectory;
using Notices.Signup.Approvals;
using Notices.Signup.Database;
using Notices.Signup.Inbound;
using Notices.Templates.Emails;

namespace Notices.Signup.Replies;

/// <summary>How the pipeline finished with one message; <see cref="Duplicate"/> when its Message-ID was processed before.</summary>
internal sealed record ReplyResult(ReplyOutcome Outcome, string Reason, bool Duplicate = false)
{
    /// <summary>Whether the source should file it with the refused messages (with the reason) rather than the processed ones (a copy of a message processed before is filed as processed).</summary>
    public bool Refused => !Duplicate && Outcome is ReplyOutcome.Refused or ReplyOutcome.SetAside or ReplyOutcome.Unmatched;
}

/// <summary>
/// Decides what one inbound message means, whichever source it came from: a bounce is recorded against its outbox
/// row; an auto-reply is ignored; anything else must find its approval request by its reply key (ADR 0007) and pass
/// every check of security rule 4 before it decides, through the same path as a portal decision. Every message is
/// recorded once by Message-ID (in the decision's own transaction when it decides), so a message read twice, from
/// one source or two, or again after a crash, is processed once. Answers are proper replies through the outbox,
/// never to an automatic message, and at most <see cref="InboundMailOptions.AnswersPerSenderPerHour"/> per address.
/// </summary>
internal sealed partial class ReplyProcessor(
    SignupDbContext db,
    ApprovalDecisions decisions,
    ApprovalMail approvalMail,
    Delegations delegations,
    IStaffDirectory directory,
    IMailOutbox outbox,
    IOptions<InboundMailOptions> options,
    IHostEnvironment environment,
    TimeProvider time,
    ReplyMetrics metrics,
    ILogger<ReplyProcessor> logger)
{
    public const string AnswerCategory = "approval-reply-answer";

    private InboundMailOptions Settings => options.Value;

    public async Task<ReplyResult> ProcessAsync(InboundMessage inbound, string source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inbound);
        var message = inbound.Message;
        var messageId = MessageIdOf(inbound);
        if (await db.ProcessedReplies.AnyAsync(r => r.MessageId == messageId, cancellationToken))
        {
            LogDuplicate(logger, source);
            return Counted(new ReplyResult(ReplyOutcome.Unmatched, "already processed", Duplicate: true), source);
        }

        // A From naming several people names nobody in particular (and DMARC checks one domain): treated as no sender.
        var senders = message.From.Mailboxes.Take(2).ToList();
        var from = senders.Count == 1 ? senders[0] : null;
        var context = new Context(messageId, source, from, message.Subject ?? "");
        if (inbound.Raw.Length > Settings.MaxMessageBytes)
        {
            return await FinishAsync(context, ReplyOutcome.SetAside, $"larger than {Settings.MaxMessageBytes} bytes", null, null, cancellationToken);
        }

        // A delivery report never decides anything and is never answered; only a failure marks an outbox row.
        if (MailChecks.AsBounce(message) is { } bounce)
        {
            switch (bounce.Kind)
            {
                case BounceKind.Unreadable:
                    return await FinishAsync(context, ReplyOutcome.SetAside, "delivery report without a machine-readable status", null, null, cancellationToken);
                case BounceKind.NotFinal:
                    var reported = await FirstOfOursAsync(bounce.OriginalMessageIds, cancellationToken);
                    if (reported is null && !bounce.Structured)
                    {
                        break;
                    }

                    return await FinishAsync(context, ReplyOutcome.DeliveryNotice,
                        reported is null ? $"{bounce.Status} notice about a message that is not ours" : $"{bounce.Status} notice for outbox row {reported.Id}, not final (row unchanged)",
                        null, null, cancellationToken);
                default:
                    OutboxMailStatus? row = null;
                    foreach (var original in bounce.OriginalMessageIds)
                    {
                        row ??= await outbox.RecordBounceAsync(original, bounce.Status, cancellationToken);
                    }

                    // A mailer-daemon's text that quotes no message of ours is not taken as a bounce: it is ignored below.
                    if (row is null && !bounce.Structured)
                    {
                        break;
                    }

                    return await FinishAsync(context, ReplyOutcome.Bounce, row is null ? "bounce of a message that is not ours" : $"bounce recorded against outbox row {row.Id} ({bounce.Status})", null, null, cancellationToken);
            }
        }

        if (MailChecks.AutoReply(message) is { } automatic)
        {
            return await FinishAsync(context, ReplyOutcome.AutoReply, automatic, null, null, cancellationToken);
        }

        if (await FindKeyAsync(message, cancellationToken) is not { } found)
        {
            return await FinishAsync(context, ReplyOutcome.Unmatched, "no reply key, Message-ID or subject tag of ours", null, null, cancellationToken);
        }

        var (key, via) = found;
        var request = await db.Approvals.AsNoTracking().FirstOrDefaultAsync(a => a.Id == key.ApprovalId, cancellationToken);
        var approver = await directory.FindAsync(key.ApproverEmployeeId, cancellationToken);
        var employee = request is null ? null : await directory.FindAsync(request.EmployeeId, cancellationToken);
        if (request is null || approver is null || employee is null)
        {
            return await FinishAsync(context, ReplyOutcome.Unmatched, "the request or its people are gone", key.ApprovalId, null, cancellationToken);
        }

        var link = approvalMail.RequestLink(request.Id);
        Answer Answer(ReplyAnswerKind kind, StaffMember to, string detail) => new(to, new ReplyAnswerEmailModel(kind, to.DisplayName, employee.DisplayName, context.Subject, detail, link));

        // Rule 4, the sender: the bound approver, or someone acting for them today. Anything else asks the approver
        // (at their directory address, never the sender's) to decide in the portal.
        var sender = from is null ? null : await directory.FindByEmailAsync(from.Address, cancellationToken);
        var senderMayAct = sender is not null && sender.Status != EmployeeStatus.Separated
            && (sender.EmployeeId == key.ApproverEmployeeId || (await delegations.ActingForAsync(sender.EmployeeId, cancellationToken)).Contains(key.ApproverEmployeeId, StringComparer.Ordinal));
        if (!senderMayAct)
        {
            await AuditRefusalAsync(sender, request.Id, context, "not the approver");
            return await FinishAsync(context, ReplyOutcome.Refused, $"sender is not the approver (matched by {via})", request.Id,
                Answer(ReplyAnswerKind.ConfirmInPortal, approver, $"we received an emailed reply about {employee.DisplayName}'s request that we could not accept as yours, so it changed nothing. If you meant to decide, please do it in the portal."),
                cancellationToken);
        }

        // Rule 4, authentication by our own receiving server.
        if (Settings.RequiresAuthentication(environment))
        {
            var verdict = MailChecks.Authenticate(message, Settings.AuthServId, from!.Domain);
            if (!verdict.Pass)
            {
                await AuditRefusalAsync(sender, request.Id, context, "authentication failed: " + verdict.Reason);
                return await FinishAsync(context, ReplyOutcome.Refused, "authentication failed: " + verdict.Reason, request.Id,
                    Answer(ReplyAnswerKind.ConfirmInPortal, approver, $"we received an emailed reply about {employee.DisplayName}'s request, but our mail server could not confirm it came from you, so it changed nothing. Please decide in the portal."),
                    cancellationToken);
            }
        }

        if (!request.State.IsOpen())
        {
            return await FinishAsync(context, ReplyOutcome.AlreadyDecided, "already " + request.State.Name(), request.Id,
                Answer(ReplyAnswerKind.AlreadyDecided, sender!, AlreadyDecided(request)), cancellationToken);
        }

        if (request.ApproverEmployeeId != key.ApproverEmployeeId)
        {
            return await FinishAsync(context, ReplyOutcome.Refused, "the request has moved to another approver", request.Id,
                Answer(ReplyAnswerKind.ConfirmInPortal, sender!, $"{employee.DisplayName}'s request now waits with another approver, so your reply changed nothing. The portal shows where it stands."),
                cancellationToken);
        }

        var body = ReplyBody.Read(message);
        if (body.Text is null)
        {
            return await FinishAsync(context, ReplyOutcome.SetAside, body.Problem ?? "unreadable", request.Id, null, cancellationToken);
        }

        var answer = ReplyGrammar.Parse(ReplyTrimmer.Trim(body.Text));
        if (answer.Verdict == ReplyVerdict.Unclear)
        {
            return await FinishAsync(context, ReplyOutcome.Refused, "no clear decision", request.Id,
                Answer(ReplyAnswerKind.Help, sender!, (answer.Why ?? "We could not read a decision.") + " Nothing was changed."), cancellationToken);
        }

        var approve = answer.Verdict == ReplyVerdict.Approve;
        var acting = new Approver(new Actor("employee:" + sender!.EmployeeId, sender.DisplayName, sender.EmployeeId), IsAdmin: false,
            sender.EmployeeId == key.ApproverEmployeeId ? [] : [key.ApproverEmployeeId]);
        var confirmation = Answer(ReplyAnswerKind.Confirmed, sender,
            approve ? $"you approved {employee.DisplayName}'s request. They have been told." : $"you denied {employee.DisplayName}'s request, with your reason. They have been told.");
        DecisionResult result;
        try
        {
            result = await decisions.DecideByReplyAsync(request.Id, acting, approve, answer.Justification, messageId,
                async tx => await RecordAsync(tx, context, ReplyOutcome.Applied, approve ? "approved" : "denied", request.Id, confirmation, cancellationToken),
                cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The same message, processed at this moment by another reader: it owns the outcome.
            return Counted(new ReplyResult(ReplyOutcome.Applied, "processed concurrently", Duplicate: true), source);
        }

        return result.Status switch
        {
            DecisionStatus.Applied => Counted(new ReplyResult(ReplyOutcome.Applied, approve ? "approved" : "denied"), source),
            DecisionStatus.Conflict => await FinishAsync(context, ReplyOutcome.AlreadyDecided, "already " + (result.State?.Name() ?? "decided"), request.Id,
                Answer(ReplyAnswerKind.AlreadyDecided, sender, result.Error ?? "it was already decided."), cancellationToken),
            _ => await FinishAsync(context, ReplyOutcome.Refused, result.Error ?? result.Status.ToString(), request.Id,
                Answer(ReplyAnswerKind.Help, sender, (result.Error ?? "We could not record that decision.") + " Nothing was changed."), cancellationToken),
        };
    }

    /// <summary>The message's Message-ID, or a digest of its bytes when it has none (so a re-delivery is still recognised).</summary>
    public static string MessageIdOf(InboundMessage inbound)
    {
        ArgumentNullException.ThrowIfNull(inbound);
        var id = inbound.Message.MessageId?.Trim();
        return string.IsNullOrEmpty(id) || id.Length > 250 || id.Any(char.IsControl)
            ? "sha256:" + Convert.ToHexStringLower(SHA256.HashData(inbound.Raw.Span))
            : id;
    }

    /// <summary>
    /// The reply key a message carries, in the documented order: the plus address (To, Cc, Delivered-To,
    /// X-Original-To, Envelope-To), then In-Reply-To and References (last first), then the subject tag.
    /// </summary>
    internal async Task<(ReplyKey Key, string Via)?> FindKeyAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        if (PlusAddress() is { } pattern)
        {
            var addresses = message.To.Mailboxes.Concat(message.Cc.Mailboxes).Select(m => m.Address)
                .Concat(message.Headers.Where(h => h.Field is "Delivered-To" or "X-Original-To" or "Envelope-To").Select(h => h.Value.Trim().Trim('<', '>')));
            foreach (var address in addresses)
            {
                if (pattern.Match(address) is { Success: true } match && ReplyKeys.TryHashKey(match.Groups[1].ValueSpan, out var hash)
                    && await db.ReplyKeys.AsNoTracking().FirstOrDefaultAsync(k => k.KeyHash == hash, cancellationToken) is { } byAddress)
                {
                    return (byAddress, "reply address");
                }
            }
        }

        var ids = new List<string>();
        if (message.InReplyTo is { Length: > 0 } inReplyTo)
        {
            ids.Add(inReplyTo);
        }

        ids.AddRange(message.References.Reverse().Take(20));
        if (ids.Count > 0)
        {
            var known = await db.ReplyKeys.AsNoTracking().Where(k => ids.Contains(k.MessageId)).ToListAsync(cancellationToken);
            foreach (var id in ids)
            {
                if (known.FirstOrDefault(k => k.MessageId == id) is { } byThread)
                {
                    return (byThread, "Message-ID");
                }
            }
        }

        if (message.Subject is { } subject && SubjectTag().Match(subject) is { Success: true } tag && ReplyKeys.TryHashTag(tag.Groups[1].ValueSpan, out var tagHash))
        {
            var tagged = await db.ReplyKeys.AsNoTracking().Where(k => k.TagHash == tagHash).Take(2).ToListAsync(cancellationToken);
            if (tagged.Count == 1)
            {
                return (tagged[0], "subject tag");
            }
        }

        return null;
    }

    private Regex? PlusAddress()
    {
        var pattern = Settings.ReplyAddress?.Trim();
        if (string.IsNullOrEmpty(pattern))
        {
            return null;
        }

        var parts = pattern.Split(InboundMailOptions.KeyPlaceholder);
        return new Regex("^" + Regex.Escape(parts[0]) + $"([a-zA-Z2-7]{{{ReplyKeys.KeyLength}}})" + Regex.Escape(parts[1]) + "$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    /// <summary>Records the outcome (and queues the answer, unless the address was answered enough this hour) in one transaction.</summary>
    private async Task<OutboxMailStatus?> FirstOfOursAsync(IReadOnlyList<string> messageIds, CancellationToken cancellationToken)
    {
        foreach (var messageId in messageIds)
        {
            if (await outbox.FindAsync(messageId, cancellationToken) is { } row)
            {
                return row;
            }
        }

        return null;
    }

    private async Task<ReplyResult> FinishAsync(Context context, ReplyOutcome outcome, string reason, long? approvalId, Answer? answer, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            await RecordAsync(db, context, outcome, reason, approvalId, answer, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
            return Counted(new ReplyResult(outcome, "processed concurrently", Duplicate: true), context.Source);
        }

        LogFinished(logger, context.Source, outcome, reason);
        return Counted(new ReplyResult(outcome, reason), context.Source);
    }

    private async Task RecordAsync(SignupDbContext tx, Context context, ReplyOutcome outcome, string reason, long? approvalId, Answer? answer, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var answered = false;
        var addressHash = context.From is null ? null : AddressHash(context.From.Address);
        if (answer is { } a)
        {
            addressHash = AddressHash(a.To.Email);
            var since = now.AddHours(-1);
            // A confirmation follows a decision, which each open request allows once, so it cannot loop: it is always
            // sent (and counted). Everything else stops at the hourly limit, so spoofed mail cannot make us flood anyone.
            var recent = a.Model.Kind == ReplyAnswerKind.Confirmed ? 0
                : await tx.ProcessedReplies.CountAsync(r => r.SenderHash == addressHash && r.Answered && r.ReceivedAt >= since, cancellationToken);
            if (recent < Settings.AnswersPerSenderPerHour)
            {
                await outbox.QueueAsync(tx, a.Model, new MailEnvelope
                {
                    To = a.To.Email,
                    ToName = a.To.DisplayName,
                    EmployeeId = a.To.EmployeeId,
                    Category = AnswerCategory,
                    Reference = approvalId is { } id ? ApprovalMail.Reference(id) : null,
                    InReplyTo = context.MessageId.StartsWith("sha256:", StringComparison.Ordinal) ? null : context.MessageId,
                    AutoSubmitted = AutoSubmitted.AutoReplied,
                }, cancellationToken);
                answered = true;
            }
            else
            {
                LogAnswerLimited(logger, context.Source);
            }
        }

        tx.ProcessedReplies.Add(new ProcessedReply
        {
            MessageId = context.MessageId,
            Source = context.Source.Length > 200 ? context.Source[..200] : context.Source,
            ReceivedAt = now,
            Outcome = outcome,
            Reason = reason.Length > 400 ? reason[..400] : reason,
            ApprovalId = approvalId,
            SenderHash = addressHash,
            Answered = answered,
        });
    }

    private Task AuditRefusalAsync(StaffMember? sender, long approvalId, Context context, string why) =>
        SignupAudit.RecordAloneAsync(db, new SignupAuditEntry(sender is null ? "email:unknown-sender" : "employee:" + sender.EmployeeId, "approval.reply-refused",
            SignupSubject.Approval, approvalId, AuditChannel.Email, false, time.GetUtcNow(), $"{why}; reply {Truncate(context.MessageId, 120)}"), CancellationToken.None);

    private static string AlreadyDecided(ApprovalRequest request) => request.State == ApprovalState.Withdrawn
        ? "the employee withdrew before your reply arrived, so nothing more is needed."
        : $"it was already {request.State.Name()} by {request.DecidedByName ?? "someone"} on {request.DecidedAt:yyyy-MM-dd HH:mm} UTC, so your reply changed nothing.";

    private ReplyResult Counted(ReplyResult result, string source)
    {
        metrics.Processed(result, source);
        return result;
    }

    private static byte[] AddressHash(string address) => SHA256.HashData(Encoding.UTF8.GetBytes(address.Trim().ToLowerInvariant()));

    private static string Truncate(string value, int length) => value.Length > length ? value[..length] : value;

    private sealed record Context(string MessageId, string Source, MailboxAddress? From, string Subject)
    {
        public string Subject { get; } = string.Join(' ', Subject.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim() is { Length: > 0 } s ? s : "Approval request";
    }

    private sealed record Answer(StaffMember To, ReplyAnswerEmailModel Model);

    [GeneratedRegex(@"\[AR-([a-zA-Z2-7]{8})\]", RegexOptions.CultureInvariant)]
    private static partial Regex SubjectTag();

    [LoggerMessage(Level = LogLevel.Information, Message = "Reply from {Source}: {Outcome} ({Reason})")]
    private static partial void LogFinished(ILogger logger, string source, ReplyOutcome outcome, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reply from {Source} was processed before: skipped")]
    private static partial void LogDuplicate(ILogger logger, string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reply from {Source}: its sender was answered enough this hour; no answer sent")]
    private static partial void LogAnswerLimited(ILogger logger, string source);
}

/// <summary>OpenTelemetry: replies processed, by outcome and source.</summary>
internal sealed class ReplyMetrics : IDisposable
{
    public const string MeterName = "Notices.Signup.Replies";

    private readonly Meter _meter;
    private readonly Counter<long> _processed;

    public ReplyMetrics(IMeterFactory? meters = null)
    {
        _meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        _processed = _meter.CreateCounter<long>("notices.replies.processed", description: "Inbound messages processed by the reply pipeline, by outcome.");
    }

    public void Processed(ReplyResult result, string source) =>
        _processed.Add(1, new KeyValuePair<string, object?>("outcome", result.Duplicate ? "duplicate" : result.Outcome.ToString().ToLowerInvariant()), new KeyValuePair<string, object?>("source", source.Split(':')[0]));

    public void Dispose() => _meter.Dispose();
}
