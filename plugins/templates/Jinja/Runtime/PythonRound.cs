using System.Globalization;
using System.Numerics;

namespace Dynamo.Templates.Jinja.Runtime;

/// <summary>
/// Python's <c>round(x, n)</c>: the exact binary value rounded half to even at the n-th decimal
/// (2.675 is 2.67499…, so 2.67), not x * 10^n rounded (267.5, so 2.68).
/// </summary>
internal static class PythonRound
{
    public static double Round(double x, int digits)
    {
        if (!double.IsFinite(x) || x == 0 || digits > 400)
            return x;
        var bits = BitConverter.DoubleToInt64Bits(x);
        var exponent = (int)((bits >> 52) & 0x7FF);
        var mantissa = bits & 0xFFFFFFFFFFFFFL;
        if (exponent == 0)
            exponent = 1;
        else
            mantissa |= 1L << 52;
        exponent -= 1075; // |x| = mantissa * 2^exponent, exactly
        BigInteger numerator = mantissa, denominator = BigInteger.One;
        if (exponent > 0)
            numerator <<= exponent;
        else
            denominator <<= -exponent;
        if (digits >= 0)
            numerator *= BigInteger.Pow(10, digits);
        else
            denominator *= BigInteger.Pow(10, -digits);
        var rounded = HalfEven(numerator, denominator);
        var result = double.Parse($"{rounded}e{-digits}", CultureInfo.InvariantCulture); // .NET parses to the nearest double, as Python does
        return x < 0 ? -result : result;
    }

    /// <summary><c>round(n, digits)</c> of an int with digits below 0: an int, to the nearest 10^-digits, ties to even.</summary>
    public static BigInteger Round(BigInteger n, int digits)
    {
        var unit = BigInteger.Pow(10, -digits);
        var rounded = HalfEven(BigInteger.Abs(n), unit) * unit;
        return n.Sign < 0 ? -rounded : rounded;
    }

    private static BigInteger HalfEven(BigInteger numerator, BigInteger denominator)
    {
        var quotient = BigInteger.DivRem(numerator, denominator, out var remainder);
        var twice = remainder * 2;
        return twice > denominator || (twice == denominator && !quotient.IsEven) ? quotient + 1 : quotient;
    }
}
