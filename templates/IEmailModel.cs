using Microsoft.AspNetCore.Components;

namespace Notices.Templates;

/// <summary>
/// A typed email: the view model of one template. The template is a component with a <c>Model</c> parameter of
/// the model's type; the renderer finds it through <see cref="Template"/>, so adding an email is adding a
/// model and a .razor file next to it.
/// </summary>
public interface IEmailModel
{
    /// <summary>The component that renders this model (it has a <c>[Parameter] Model</c> of the model's type).</summary>
    static abstract Type Template { get; }

    /// <summary>The subject line. Callers' text ends up here, so the message builder rejects CR and LF.</summary>
    string Subject { get; }
}

/// <summary>Links every email may show; absolute URLs built only from <c>Notices:PublicBaseUrl</c>.</summary>
public interface IEmailLinks
{
    /// <summary>The service's home page.</summary>
    Uri Home { get; }

    /// <summary>An absolute URL for a path of this service (e.g. <c>/directory</c>).</summary>
    Uri To(string path);
}

/// <summary>Compile-time check that a template type is a component.</summary>
public static class EmailTemplate
{
    public static Type Of<TComponent>()
        where TComponent : IComponent => typeof(TComponent);
}
