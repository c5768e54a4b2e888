using System.Globalization;
using System.Text;
using Dynamo.Abstractions.Constraints;
using Dynamo.Grammar.Pda.Ir;

namespace Dynamo.Grammar.Pda.Regex;

/// <summary>
/// Regular expressions in the ECMAScript/Python subset that describes languages: literals, escapes
/// (<c>\d \w \s \n \t \xHH \uHHHH \u{…}</c> and their negations), classes with ranges and negation,
/// <c>.</c>, groups (capturing or not; names ignored), alternation, and every quantifier (lazy ones
/// read as greedy: the language is the same). <c>^</c> and <c>$</c> are only read at the ends.
/// Backreferences, lookaround and word boundaries describe no regular language here and are refused.
/// </summary>
internal sealed class RegexParser
{
    /// <summary>Counted repetition beyond this is refused (it is unrolled into automaton states).</summary>
    public const int MaxCount = 10_000;

    private readonly string _pattern;
    private readonly string _where;
    private readonly CodePointSet _dot;
    private int _at;

    private RegexParser(string pattern, string where, bool dotAll) => (_pattern, _where, _dot) = (pattern, where, dotAll ? CodePointSet.All : Dot);

    /// <summary>The pattern as a regex AST, with whether it was anchored at its start and end.</summary>
    /// <param name="dotAll"><c>.</c> matches line breaks too (the <c>s</c> flag).</param>
    public static (Rx Expression, bool AnchoredStart, bool AnchoredEnd) Parse(string pattern, string where, bool dotAll = false)
    {
        var parser = new RegexParser(pattern, where, dotAll);
        var start = parser.Eat('^');
        var expression = parser.Alternation();
        var end = parser.Eat('$');
        if (parser._at < pattern.Length)
            throw parser.Error(parser.Peek() == ')' ? "an unmatched ')'" : $"'{parser.Peek()}' where the pattern should end (anchors are read only at its ends)");
        return (expression, start, end);
    }

    private GrammarException Error(string what) =>
        new($"The regular expression {_where} has {what} at offset {_at}: \"{_pattern}\".", _where);

    private char Peek() => _pattern[_at];

    private bool AtEnd => _at >= _pattern.Length;

    private bool Eat(char c)
    {
        if (AtEnd || _pattern[_at] != c)
            return false;
        _at++;
        return true;
    }

    private Rx Alternation()
    {
        var branches = new List<Rx> { Concatenation() };
        while (Eat('|'))
            branches.Add(Concatenation());
        return branches.Count == 1 ? branches[0] : new RxAlt(branches);
    }

    private Rx Concatenation()
    {
        var items = new List<Rx>();
        while (!AtEnd && Peek() is not ('|' or ')'))
        {
            if (Peek() == '$' && _at == _pattern.Length - 1)
                break;
            items.Add(Quantified(Atom()));
        }
        return items.Count == 1 ? items[0] : new RxSeq(items);
    }

    private Rx Quantified(Rx atom)
    {
        while (!AtEnd)
        {
            int min, max;
            switch (Peek())
            {
                case '*': _at++; (min, max) = (0, -1); break;
                case '+': _at++; (min, max) = (1, -1); break;
                case '?': _at++; (min, max) = (0, 1); break;
                case '{' when TryCount(out min, out max): break;
                default: return atom;
            }
            Eat('?'); // lazy: the same language
            if (!AtEnd && Peek() == '+')
                throw Error("a possessive quantifier");
            atom = new RxRepeat(atom, min, max);
        }
        return atom;
    }

    /// <summary><c>{n}</c>, <c>{n,}</c>, <c>{n,m}</c>; a brace that is not one of these is a literal brace.</summary>
    private bool TryCount(out int min, out int max)
    {
        (min, max) = (0, 0);
        var close = _pattern.IndexOf('}', _at);
        if (close < 0)
            return false;
        var body = _pattern[(_at + 1)..close];
        var parts = body.Split(',');
        if (parts.Length > 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out min))
            return false;
        if (parts.Length == 1)
            max = min;
        else if (parts[1].Length == 0)
            max = -1;
        else if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out max))
            return false;
        if (max >= 0 && max < min)
            throw Error($"a repetition {{{body}}} whose maximum is below its minimum");
        if (Math.Max(min, max) > MaxCount)
            throw Error($"a repetition count above {MaxCount}");
        _at = close + 1;
        return true;
    }

    private Rx Atom()
    {
        var c = Peek();
        switch (c)
        {
            case '(':
                _at++;
                if (Eat('?'))
                {
                    if (Eat(':')) { }
                    else if (Eat('<') && !AtEnd && Peek() is not ('=' or '!'))
                        SkipName('>');
                    else if (Eat('P') && Eat('<'))
                        SkipName('>');
                    else
                        throw Error("a lookaround or inline flag group (only (?:…) and named groups are supported)");
                }
                var inner = Alternation();
                if (!Eat(')'))
                    throw Error("an unclosed '('");
                return inner;
            case '[':
                _at++;
                return new RxChars(Class());
            case '.':
                _at++;
                return new RxChars(_dot);
            case '\\':
                _at++;
                return new RxChars(Escape(inClass: false));
            case '*' or '+' or '?':
                throw Error($"a quantifier '{c}' with nothing to repeat");
            case '^' or '$':
                throw Error($"an anchor '{c}' inside the pattern");
            default:
                var rune = Rune.GetRuneAt(_pattern, _at);
                _at += rune.Utf16SequenceLength;
                return new RxChars(CodePointSet.Of(rune.Value));
        }
    }

    private void SkipName(char end)
    {
        var close = _pattern.IndexOf(end, _at);
        if (close < 0)
            throw Error("an unterminated group name");
        _at = close + 1;
    }

    private CodePointSet Class()
    {
        var negate = Eat('^');
        var set = CodePointSet.None;
        var first = true;
        while (true)
        {
            if (AtEnd)
                throw Error("an unclosed '['");
            if (Peek() == ']' && !first)
            {
                _at++;
                break;
            }
            first = false;
            var low = ClassAtom(out var single);
            if (single is { } l && !AtEnd && Peek() == '-' && _at + 1 < _pattern.Length && _pattern[_at + 1] != ']')
            {
                _at++;
                ClassAtom(out var high);
                if (high is not { } h)
                    throw Error("a range whose end is a class escape");
                if (h < l)
                    throw Error("a range out of order");
                set = set.Union(CodePointSet.Of((l, h)));
            }
            else
            {
                set = set.Union(low);
            }
        }
        return negate ? set.Negate() : set;
    }

    /// <param name="single">The code point, when the atom is one (it may then start a range).</param>
    private CodePointSet ClassAtom(out int? single)
    {
        if (Eat('\\'))
        {
            var set = Escape(inClass: true);
            single = set.Ranges.Count == 1 && set.Ranges[0].Low == set.Ranges[0].High ? set.Ranges[0].Low : null;
            return set;
        }
        var rune = Rune.GetRuneAt(_pattern, _at);
        _at += rune.Utf16SequenceLength;
        single = rune.Value;
        return CodePointSet.Of(rune.Value);
    }

    /// <summary>What <c>.</c> matches: anything but a line break.</summary>
    private static readonly CodePointSet Dot = CodePointSet.Chars("\n\r\u2028\u2029").Negate();

    private static readonly CodePointSet Digits = CodePointSet.Of(('0', '9'));
    private static readonly CodePointSet Word = CodePointSet.Of(('0', '9'), ('A', 'Z'), ('a', 'z'), ('_', '_'));
    private static readonly CodePointSet Space = CodePointSet.Chars(" \t\n\r\f\v\u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff").Union(CodePointSet.Of((0x2000, 0x200a)));

    private CodePointSet Escape(bool inClass)
    {
        if (AtEnd)
            throw Error("a trailing backslash");
        var c = _pattern[_at++];
        switch (c)
        {
            case 'd': return Digits;
            case 'D': return Digits.Negate();
            case 'w': return Word;
            case 'W': return Word.Negate();
            case 's': return Space;
            case 'S': return Space.Negate();
            case 'n': return CodePointSet.Of('\n');
            case 't': return CodePointSet.Of('\t');
            case 'r': return CodePointSet.Of('\r');
            case 'f': return CodePointSet.Of('\f');
            case 'v': return CodePointSet.Of('\v');
            case '0': return CodePointSet.Of(0);
            case 'b' when inClass: return CodePointSet.Of('\b');
            case 'x': return CodePointSet.Of(Hex(2));
            case 'u' when !AtEnd && Peek() == '{':
            {
                var close = _pattern.IndexOf('}', _at);
                if (close < 0 || !int.TryParse(_pattern.AsSpan(_at + 1, close - _at - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var cp) || cp > CodePointSet.MaxCodePoint)
                    throw Error("a malformed \\u{…} escape");
                _at = close + 1;
                return CodePointSet.Of(cp);
            }
            case 'u':
            {
                var unit = Hex(4);
                // A surrogate pair written as two escapes is one code point.
                if (char.IsHighSurrogate((char)unit) && _at + 6 <= _pattern.Length && _pattern[_at] == '\\' && _pattern[_at + 1] == 'u'
                    && int.TryParse(_pattern.AsSpan(_at + 2, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var low) && char.IsLowSurrogate((char)low))
                {
                    _at += 6;
                    return CodePointSet.Of(char.ConvertToUtf32((char)unit, (char)low));
                }
                return CodePointSet.Of(unit);
            }
            case >= '1' and <= '9':
                throw Error("a backreference");
            case 'b' or 'B':
                throw Error("a word boundary");
            case 'p' or 'P':
                throw Error("a Unicode property class");
            default:
                if (char.IsAsciiLetterOrDigit(c))
                    throw Error($"an unknown escape \\{c}");
                return CodePointSet.Of(c);
        }
    }

    private int Hex(int digits)
    {
        if (_at + digits > _pattern.Length || !int.TryParse(_pattern.AsSpan(_at, digits), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value))
            throw Error($"a malformed hex escape (expected {digits} hex digits)");
        _at += digits;
        return value;
    }
}
