using System.Collections.Concurrent;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Notices.Templates;

namespace Notices.Mail.Rendering;

/// <summary>
/// Renders templates with ASP.NET Core's <see cref="HtmlRenderer"/>. An HtmlRenderer is safe to share between
/// threads because all work goes through its <see cref="Dispatcher"/>, but that dispatcher runs one render at a
/// time, so one renderer would serialise every worker. We therefore keep a small pool (one per core) and
/// recycle each renderer after <see cref="RendersPerRenderer"/> renders: every RenderComponentAsync adds a root
/// component that stays attached to its renderer until the renderer is disposed, so a renderer that lived for
/// 250,000 renders would hold every rendered tree.
/// </summary>
internal sealed class RazorMailRenderer : IMailRenderer, IAsyncDisposable
{
    public const int RendersPerRenderer = 256;

    private readonly IServiceProvider _services;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ConcurrentBag<Pooled> _pool = [];

    // Rendering is CPU-bound: more renders at once than cores only adds renderers. Callers beyond this wait, so
    // the pool never holds more renderers than slots and none is created just to be thrown away.
    private readonly SemaphoreSlim _slots = new(Math.Max(2, Environment.ProcessorCount));
    private bool _disposed;

    public RazorMailRenderer(IServiceProvider services, ILoggerFactory loggerFactory)
    {
        _services = services;
        _loggerFactory = loggerFactory;
    }

    public async ValueTask<RenderedEmail> RenderAsync<TModel>(TModel model, CancellationToken cancellationToken = default)
        where TModel : IEmailModel
    {
        ArgumentNullException.ThrowIfNull(model);
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();

        var subject = model.Subject;
        await _slots.WaitAsync(cancellationToken);
        string html;
        try
        {
            html = await RenderHtmlAsync(TModel.Template, model);
        }
        finally
        {
            _slots.Release();
        }

        return new RenderedEmail(subject, html, HtmlToText.Convert(html));
    }

    private async Task<string> RenderHtmlAsync(Type template, object model)
    {
        if (!_pool.TryTake(out var pooled))
        {
            // A scope per renderer: the component infrastructure registers scoped services (and a host with
            // scope validation refuses them from the root provider); they live as long as this renderer.
            var scope = _services.CreateAsyncScope();
            pooled = new Pooled(scope, new HtmlRenderer(scope.ServiceProvider, _loggerFactory));
        }

        var keep = false;
        try
        {
            var parameters = ParameterView.FromDictionary(new Dictionary<string, object?>(1) { ["Model"] = model });
            var html = await pooled.Renderer.Dispatcher.InvokeAsync(async () =>
            {
                var root = await pooled.Renderer.RenderComponentAsync(template, parameters);
                return root.ToHtmlString();
            });
            keep = ++pooled.Renders < RendersPerRenderer;
            return html;
        }
        finally
        {
            if (keep && !_disposed)
            {
                _pool.Add(pooled);
            }
            else
            {
                await pooled.DisposeAsync();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        while (_pool.TryTake(out var pooled))
        {
            await pooled.DisposeAsync();
        }
    }

    private sealed class Pooled(AsyncServiceScope scope, HtmlRenderer renderer) : IAsyncDisposable
    {
        public HtmlRenderer Renderer { get; } = renderer;

        public int Renders { get; set; }

        public async ValueTask DisposeAsync()
        {
            await Renderer.DisposeAsync();
            await scope.DisposeAsync();
        }
    }
}
