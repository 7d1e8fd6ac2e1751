namespace Notices.Composing;

internal enum OutcomeKind
{
    Ok,
    NotFound,
    Invalid,
    Conflict,
    Forbidden,
}

/// <summary>
/// What a composing handler answers: the value, or why not. Expected refusals are outcomes, not exceptions; the API
/// maps them to TypedResults and the pages show them.
/// </summary>
internal sealed record ComposeOutcome<T>(OutcomeKind Kind, T? Value, string? Detail, IDictionary<string, string[]>? Errors)
{
    public static ComposeOutcome<T> Ok(T value) => new(OutcomeKind.Ok, value, null, null);

    public static ComposeOutcome<T> NotFound() => new(OutcomeKind.NotFound, default, "no such notice", null);

    public static ComposeOutcome<T> Invalid(IDictionary<string, string[]> errors) => new(OutcomeKind.Invalid, default, "the notice is not valid", errors);

    public static ComposeOutcome<T> Invalid(string field, string message) => Invalid(new Dictionary<string, string[]> { [field] = [message] });

    public static ComposeOutcome<T> Conflict(string detail) => new(OutcomeKind.Conflict, default, detail, null);

    public static ComposeOutcome<T> Forbidden(string detail) => new(OutcomeKind.Forbidden, default, detail, null);

    public bool Succeeded => Kind == OutcomeKind.Ok;
}
