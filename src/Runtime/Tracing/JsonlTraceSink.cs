using System.IO.Compression;

namespace Dynamo.Runtime.Tracing;

/// <summary>
/// Trace lines in rolling files <c>{prefix}.{n}.jsonl</c> (or gzip-compressed <c>.jsonl.gz</c>):
/// a new file starts once one holds <c>maxFileBytes</c> of lines. Numbering continues after the
/// files already there, so a restart never overwrites a trace.
/// </summary>
internal sealed class JsonlTraceSink(string prefix, bool gzip, long maxFileBytes) : ITraceSink
{
    private Stream? _file;
    private long _written;
    private int _index = -1;

    private string Extension => gzip ? ".jsonl.gz" : ".jsonl";

    public string FileName(int index) => $"{prefix}.{index:D4}{Extension}";

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> line)
    {
        if (_file is null || _written >= maxFileBytes)
            await NextFileAsync();
        await _file!.WriteAsync(line);
        _file.WriteByte((byte)'\n');
        _written += line.Length + 1;
    }

    public ValueTask FlushAsync() => _file is null ? ValueTask.CompletedTask : new(_file.FlushAsync());

    private async Task NextFileAsync()
    {
        if (_file is not null)
            await _file.DisposeAsync();
        if (_index < 0)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(prefix))!);
            _index = 0;
            while (File.Exists(FileName(_index)))
                _index++;
        }
        else
        {
            _index++;
        }
        Stream file = new FileStream(FileName(_index), FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        _file = gzip ? new GZipStream(file, CompressionLevel.Fastest) : file;
        _written = 0;
    }

    public async ValueTask DisposeAsync()
    {
        if (_file is not null)
            await _file.DisposeAsync();
    }
}
