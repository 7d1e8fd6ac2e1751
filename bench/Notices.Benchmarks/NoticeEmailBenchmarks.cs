using System.Text;
using BenchmarkDotNet.Attributes;
using MimeKit;

namespace Notices.Benchmarks;

/// <summary>
/// One recipient's notice message, built and written out (what a worker does per row), against a plain string
/// template of the same email: raw MIME text with the recipient's values replaced, encoded and written.
/// </summary>
[MemoryDiagnoser]
public class NoticeEmailBenchmarks
{
    private NoticeEmailSubject _subject = null!;
    private MemoryStream _buffer = null!;
    private int _i;

    [GlobalSetup]
    public void Setup()
    {
        _subject = NoticeEmailSubject.CreateAsync().GetAwaiter().GetResult();
        _buffer = new MemoryStream(32 * 1024);
    }

    [GlobalCleanup]
    public void Cleanup() => _subject.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Baseline = true, Description = "string template (Replace into raw MIME)")]
    public long StringTemplate()
    {
        var i = ++_i;
        var recipient = NoticeEmailSubject.Recipient(i);
        var text = _subject.RawTemplate
            .Replace(NoticeEmailSubject.NameStandIn, recipient.DisplayName, StringComparison.Ordinal)
            .Replace(NoticeEmailSubject.EmailStandIn, recipient.Email, StringComparison.Ordinal)
            .Replace(NoticeEmailSubject.LinkStandIn, NoticeEmailSubject.Link(i).AbsoluteUri, StringComparison.Ordinal)
            .Replace(NoticeEmailSubject.MessageIdStandIn, NoticeEmailSubject.MessageId(i), StringComparison.Ordinal);
        _buffer.SetLength(0);
        var bytes = Encoding.UTF8.GetBytes(text);
        _buffer.Write(bytes);
        return _buffer.Length;
    }

    /// <summary>For the quick mode: the build alone.</summary>
    public void BuildOnly()
    {
        var i = ++_i;
        using var message = _subject.Prepared.Build(NoticeEmailSubject.Recipient(i), NoticeEmailSubject.Link(i), NoticeEmailSubject.MessageId(i));
    }

    [Benchmark(Description = "Build + WriteTo (quoted-printable parts)")]
    public long BuildAndWrite()
    {
        var i = ++_i;
        using var message = _subject.Prepared.Build(NoticeEmailSubject.Recipient(i), NoticeEmailSubject.Link(i), NoticeEmailSubject.MessageId(i));
        _buffer.SetLength(0);
        message.WriteTo(FormatOptions.Default, _buffer);
        return _buffer.Length;
    }
}

/// <summary>The once-per-notice cost: Markdown + sanitiser, two Razor renders (with and without the "your series" line), HTML to text, splitting.</summary>
[MemoryDiagnoser]
public class NoticeEmailPrepareBenchmarks
{
    private NoticeEmailSubject _subject = null!;

    [GlobalSetup]
    public void Setup() => _subject = NoticeEmailSubject.CreateAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => _subject.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Description = "PrepareAsync (once per notice)")]
    public async Task<object> Prepare() => await _subject.Factory.PrepareAsync(_subject.Notice);
}
