using Dynamo.Abstractions.Parsing;

namespace Dynamo.Parsers.Tests;

public sealed class StreamingMarkerMatcherTests
{
    [Fact]
    public void ReleasesTextAtOnceAndHoldsOnlyWhatCouldStillBeAMarker()
    {
        var matcher = new StreamingMarkerMatcher(["<tool_call>", "<think>"]);
        Assert.Equal(new MarkerMatch("Hello ", null, ""), matcher.Push("Hello <to"));
        Assert.Equal(new MarkerMatch("", null, ""), matcher.Push("ol_ca"));
        Assert.Equal(new MarkerMatch("<tool_cax", null, ""), matcher.Push("x"));   // no longer a marker: released
        Assert.Equal(new MarkerMatch(" a ", "<think>", "rest"), matcher.Push(" a <think>rest"));
        Assert.Equal(new MarkerMatch("", null, ""), matcher.Push("<"));
        Assert.Equal("<", matcher.Flush());
    }

    [Fact]
    public void TheEarliestMarkerWinsAndTheLongestAtTheSamePlace()
    {
        var matcher = new StreamingMarkerMatcher(["<a>", "<a>b", "c"]);
        Assert.Equal(new MarkerMatch("x", "<a>b", "yc"), matcher.Push("x<a>byc"));
    }
}
