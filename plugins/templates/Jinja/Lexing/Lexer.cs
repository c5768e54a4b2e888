using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Dynamo.Templates.Jinja.Lexing;

/// <summary>
/// Splits a template into text and tag tokens with the whitespace rules Hugging Face renders
/// chat templates with: <c>trim_blocks</c> (the newline after a block or comment tag goes) and
/// <c>lstrip_blocks</c> (spaces before a block or comment tag at the start of a line go), plus
/// the <c>-</c> markers that strip all whitespace on their side and <c>+</c> that keep it.
/// </summary>
internal sealed partial class Lexer
{
    private static readonly string[] Operators =
        ["**", "//", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "<", ">", "=", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|"];

    private readonly string _source;
    private readonly List<Token> _tokens = [];
    private int _pos;
    private int _line = 1;

    private Lexer(string source)
    {
        _source = source.Replace("\r\n", "\n").Replace('\r', '\n'); // newlines normalised, as jinja2 does
        if (_source.EndsWith('\n'))
            _source = _source[..^1]; // and one at the very end dropped (jinja2's keep_trailing_newline is off in Hugging Face's environment)
    }

    public static List<Token> Tokenize(string source) => new Lexer(source).Run();

    [GeneratedRegex(@"\{%(?<l>[-+]?)\s*endraw\s*(?<r>[-+]?)%\}")]
    private static partial Regex EndRaw();

    private List<Token> Run()
    {
        var trimNext = false;      // a '-' closed the last tag
        var dropNewline = false;   // trim_blocks after the last block or comment tag
        while (_pos < _source.Length)
        {
            var start = NextTagStart(_pos);
            var text = _source[_pos..start];
            var line = _line;
            _line += text.Count(c => c == '\n'); // lines of the source, whatever the whitespace rules remove
            if (start < _source.Length)
            {
                var kind = _source[start + 1];
                var marker = start + 2 < _source.Length ? _source[start + 2] : '\0';
                if (marker == '-')
                    text = text.TrimEnd();
                else if (kind != '{' && marker != '+')
                    text = StripLineIndent(text, start);
            }
            if (trimNext)
                text = text.TrimStart();
            else if (dropNewline && text.StartsWith('\n'))
                text = text[1..];
            EmitText(text, line);
            if (start >= _source.Length)
                break;
            _pos = start + 2;
            if (_pos < _source.Length && _source[_pos] is '-' or '+')
                _pos++;
            (trimNext, dropNewline) = _source[start + 1] switch
            {
                '#' => Comment(),
                '{' => Tag(TokenKind.VariableBegin, TokenKind.VariableEnd, "}}"),
                _ => Block(),
            };
        }
        _tokens.Add(new Token(TokenKind.End, "", _line));
        return _tokens;
    }

    private int NextTagStart(int from)
    {
        for (var i = from; i < _source.Length - 1; i++)
            if (_source[i] == '{' && _source[i + 1] is '{' or '%' or '#')
                return i;
        return _source.Length;
    }

    /// <summary>lstrip_blocks: spaces and tabs between a line break in the source (or its start) and the tag at <paramref name="tag"/>.</summary>
    private string StripLineIndent(string text, int tag)
    {
        var i = tag;
        while (i > _pos && _source[i - 1] is ' ' or '\t')
            i--;
        var atLineStart = i == 0 || _source[i - 1] == '\n';
        return atLineStart ? text[..(text.Length - (tag - i))] : text;
    }

    private void EmitText(string text, int line)
    {
        if (text.Length > 0)
            _tokens.Add(new Token(TokenKind.Text, text, line));
    }

    private (bool TrimNext, bool DropNewline) Comment()
    {
        var end = _source.IndexOf("#}", _pos, StringComparison.Ordinal);
        if (end < 0)
            throw new TemplateException("a comment '{#' is never closed with '#}'", _line);
        _line += _source.AsSpan(_pos, end - _pos).Count('\n');
        var trim = end > _pos && _source[end - 1] == '-';
        var keep = end > _pos && _source[end - 1] == '+';
        _pos = end + 2;
        return (trim, !trim && !keep);
    }

    private (bool TrimNext, bool DropNewline) Block()
    {
        var first = _tokens.Count;
        var result = Tag(TokenKind.BlockBegin, TokenKind.BlockEnd, "%}");
        if (_tokens.Count == first + 3 && _tokens[first + 1].Is(TokenKind.Name, "raw"))
        {
            _tokens.RemoveRange(first, 3);
            var match = EndRaw().Match(_source, _pos);
            if (!match.Success)
                throw new TemplateException("'{% raw %}' is never closed with '{% endraw %}'", _line);
            var content = _source[_pos..match.Index];
            var line = _line;
            _line += content.Count(c => c == '\n');
            if (result.TrimNext)
                content = content.TrimStart();
            else if (result.DropNewline && content.StartsWith('\n'))
                content = content[1..];
            if (match.Groups["l"].Value == "-")
                content = content.TrimEnd();
            EmitText(content, line);
            _pos = match.Index + match.Length;
            var r = match.Groups["r"].Value;
            return (r == "-", r == "");
        }
        return result;
    }

    private (bool TrimNext, bool DropNewline) Tag(TokenKind begin, TokenKind end, string close)
    {
        var opened = _line;
        var open = 0; // brackets open: inside them '}}' and '%}' are operators, as in {{ {'a': {'b': 1}} }}
        _tokens.Add(new Token(begin, "", _line));
        while (true)
        {
            SkipSpace();
            if (_pos >= _source.Length)
                throw new TemplateException($"a tag opened on line {opened} is never closed with '{close}'", _line);
            var c = _source[_pos];
            if (open == 0 && (c is '-' or '+') && At(_pos + 1, close))
            {
                _pos += 1 + close.Length;
                _tokens.Add(new Token(end, "", _line));
                return (c == '-', end == TokenKind.BlockEnd && c != '+');
            }
            if (open == 0 && At(_pos, close))
            {
                _pos += close.Length;
                _tokens.Add(new Token(end, "", _line));
                return (false, end == TokenKind.BlockEnd);
            }
            if (char.IsLetter(c) || c == '_')
                _tokens.Add(new Token(TokenKind.Name, Take(ch => char.IsLetterOrDigit(ch) || ch == '_'), _line));
            else if (char.IsDigit(c))
                Number();
            else if (c is '\'' or '"')
                _tokens.Add(new Token(TokenKind.String, ReadString(c), _line));
            else
            {
                var op = Operators.FirstOrDefault(o => At(_pos, o))
                    ?? throw new TemplateException($"unexpected character '{c}' in a tag", _line);
                _pos += op.Length;
                _tokens.Add(new Token(TokenKind.Operator, op, _line));
                open += op is "(" or "[" or "{" ? 1 : op is ")" or "]" or "}" && open > 0 ? -1 : 0;
            }
        }
    }

    private bool At(int index, string text) => string.CompareOrdinal(_source, index, text, 0, text.Length) == 0;

    private void SkipSpace()
    {
        while (_pos < _source.Length && char.IsWhiteSpace(_source[_pos]))
        {
            if (_source[_pos] == '\n')
                _line++;
            _pos++;
        }
    }

    private string Take(Func<char, bool> accept)
    {
        var start = _pos;
        while (_pos < _source.Length && accept(_source[_pos]))
            _pos++;
        return _source[start.._pos];
    }

    private void Number()
    {
        var digits = Take(ch => char.IsDigit(ch) || ch == '_');
        if (_pos + 1 < _source.Length && _source[_pos] == '.' && char.IsDigit(_source[_pos + 1]))
        {
            _pos++;
            var fraction = Take(ch => char.IsDigit(ch) || ch == '_');
            _tokens.Add(new Token(TokenKind.Float, $"{digits}.{fraction}{Exponent()}".Replace("_", ""), _line));
            return;
        }
        var exponent = Exponent();
        _tokens.Add(new Token(exponent.Length > 0 ? TokenKind.Float : TokenKind.Integer, (digits + exponent).Replace("_", ""), _line));
    }

    /// <summary>An exponent (e16, E-5) after a number, or nothing.</summary>
    private string Exponent()
    {
        if (_pos >= _source.Length || _source[_pos] is not ('e' or 'E'))
            return "";
        var digitsAt = _pos + 1 < _source.Length && _source[_pos + 1] is '+' or '-' ? _pos + 2 : _pos + 1;
        if (digitsAt >= _source.Length || !char.IsDigit(_source[digitsAt]))
            return "";
        var start = _pos;
        _pos = digitsAt;
        Take(char.IsDigit);
        return _source[start.._pos];
    }

    /// <summary>The character of the <paramref name="digits"/> hex digits at the position (consumed), as Python's \\x, \\u and \\U read them.</summary>
    private string Hex(int digits)
    {
        if (_pos + digits > _source.Length || !int.TryParse(_source.AsSpan(_pos, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code) || code > 0x10FFFF)
            throw new TemplateException($"a string has a bad \\x, \\u or \\U escape (it needs {digits} hex digits)", _line);
        _pos += digits;
        return code <= 0xFFFF ? ((char)code).ToString() : char.ConvertFromUtf32(code);
    }

    private string ReadString(char quote)
    {
        var value = new StringBuilder();
        _pos++;
        while (true)
        {
            if (_pos >= _source.Length)
                throw new TemplateException("a string is never closed", _line);
            var c = _source[_pos++];
            if (c == quote)
                return value.ToString();
            if (c == '\n')
                _line++;
            if (c != '\\' || _pos >= _source.Length)
            {
                value.Append(c);
                continue;
            }
            var e = _source[_pos++];
            switch (e)
            {
                case 'n': value.Append('\n'); break;
                case 't': value.Append('\t'); break;
                case 'r': value.Append('\r'); break;
                case 'a': value.Append('\a'); break;
                case 'b': value.Append('\b'); break;
                case 'f': value.Append('\f'); break;
                case 'v': value.Append('\v'); break;
                case '\\': value.Append('\\'); break;
                case '\'': value.Append('\''); break;
                case '"': value.Append('"'); break;
                case '\n': _line++; break; // a backslash before a line break joins the lines
                case 'x': value.Append(Hex(2)); break;
                case 'u': value.Append(Hex(4)); break;
                case 'U': value.Append(Hex(8)); break;
                case >= '0' and <= '7':
                    var octal = e - '0';
                    for (var n = 0; n < 2 && _pos < _source.Length && _source[_pos] is >= '0' and <= '7'; n++)
                        octal = octal * 8 + (_source[_pos++] - '0');
                    value.Append((char)octal);
                    break;
                default: value.Append('\\').Append(e); break; // Python keeps unknown escapes
            }
        }
    }
}
