using Notices.Templates;

namespace Notices.Mail.Rendering;

/// <summary>A rendered email: the subject and both parts.</summary>
internal sealed record RenderedEmail(string Subject, string Html, string Text);

/// <summary>Turns a typed email model into HTML and plain text. Thread-safe; one instance for the process.</summary>
internal interface IMailRenderer
{
    ValueTask<RenderedEmail> RenderAsync<TModel>(TModel model, CancellationToken cancellationToken = default)
        where TModel : IEmailModel;
}
