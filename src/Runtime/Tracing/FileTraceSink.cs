using System.IO.Compression;
using System.Text;

namespace Dynamo.Runtime.Tracing;

/// <summary>
/// Trace lines <c>{"timestamp": ms, "event": {…}}</c> in files. <c>jsonl</c> appends to one file;
/// <c>jsonl_gz</c> writes segments <c>{prefix}.000000.jsonl.gz</c>, starting the next once one holds
/// <c>FileRollBytes</c> uncompressed bytes or <c>FileRollLines</c> lines. Numbering continues after
/// the segments already there, so a restart never overwrites a trace. The older agent trace layout
/// (<c>{prefix}.0000.jsonl</c>) rolls both formats.
/// </summary>
internal sealed class FileTraceSink : ITraceSink
{
    private readonly string _path;
    private readonly bool _gzip;
    private readonly bool _segmented;
    private readonly string _digits;
    private readonly long _rollBytes;
    private readonly long _rollLines;
    private Stream? _file;
    private long _bytes;
    private long _lines;
    private int _index = -1;

    public FileTraceSink(RequestTraceOptions options)
    {
        _gzip = options.FileFormat == "jsonl_gz";
        _segmented = _gzip || options.LegacyFiles;
        _digits = options.LegacyFiles ? "D4" : "D6";
        _path = _segmented ? Strip(Strip(options.FilePath, ".gz"), ".jsonl") : options.FilePath;
        (_rollBytes, _rollLines) = (options.FileRollBytes, options.FileRollLines);
    }

    private static string Strip(string path, string suffix) => path.EndsWith(suffix, StringComparison.Ordinal) ? path[..^suffix.Length] : path;

    /// <summary>The file of segment <paramref name="index"/>.</summary>
    public string FileName(int index) => _segmented ? $"{_path}.{index.ToString(_digits)}{(_gzip ? ".jsonl.gz" : ".jsonl")}" : _path;

    public async ValueTask WriteAsync(TraceLine line, ReadOnlyMemory<byte> json)
    {
        if (_file is null || (_segmented && _lines > 0 && (_bytes + json.Length > _rollBytes || (_rollLines > 0 && _lines >= _rollLines))))
            await NextFileAsync();
        var head = Encoding.UTF8.GetBytes($"{{\"timestamp\":{line.Timestamp},\"event\":");
        await _file!.WriteAsync(head);
        await _file.WriteAsync(json);
        await _file.WriteAsync("}\n"u8.ToArray());
        _bytes += head.Length + json.Length + 2;
        _lines++;
    }

    public ValueTask FlushAsync() => _file is null ? ValueTask.CompletedTask : new(_file.FlushAsync());

    private async Task NextFileAsync()
    {
        if (_file is not null)
            await _file.DisposeAsync();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_path))!);
        if (!_segmented)
        {
            _file = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read);
            return;
        }
        do
            _index++;
        while (File.Exists(FileName(_index)));
        Stream file = new FileStream(FileName(_index), FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        _file = _gzip ? new GZipStream(file, CompressionLevel.Fastest) : file;
        (_bytes, _lines) = (0, 0);
    }

    public async ValueTask DisposeAsync()
    {
        if (_file is not null)
            await _file.DisposeAsync();
    }
}
