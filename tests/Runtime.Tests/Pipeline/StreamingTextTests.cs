using System.Text;
using Dynamo.Runtime.BuiltIn;
using Dynamo.Runtime.Pipeline;

namespace Dynamo.Runtime.Tests.Pipeline;

public sealed class StreamingTextTests
{
    [Fact]
    public void DetokenizerNeverEmitsHalfACharacter()
    {
        var tokenizer = new ByteTokenizer();
        var random = new Random(11);
        const string text = "Grüße, 世界! 🎉 ok";
        var ids = tokenizer.Encode(text, addSpecialTokens: false);
        var detokenizer = new IncrementalDetokenizer(tokenizer);
        var output = new StringBuilder();
        for (var i = 0; i < ids.Length;)
        {
            var take = Math.Min(random.Next(1, 4), ids.Length - i);
            var delta = detokenizer.Add(ids[i..(i + take)]);
            Assert.DoesNotContain('\uFFFD', delta);
            output.Append(delta);
            i += take;
        }
        output.Append(detokenizer.Flush());

        Assert.Equal(text, output.ToString());
    }

    [Fact]
    public void DetokenizerFlushesAnUnfinishedCharacterAtTheEnd()
    {
        var tokenizer = new ByteTokenizer();
        var detokenizer = new IncrementalDetokenizer(tokenizer);

        Assert.Equal("a", detokenizer.Add([(int)'a']));
        Assert.Equal("", detokenizer.Add([0xE4, 0xB8])); // two of the three bytes of 世
        Assert.Equal("\uFFFD", detokenizer.Flush());
    }

    [Fact]
    public void StopMatcherHoldsBackWhatMightBeAStopString()
    {
        var matcher = new StopStringMatcher(["</end>", "STOP"]);

        Assert.Equal(("Hello ", (string?)null), matcher.Push("Hello </e"));
        Assert.Equal(("</ex", (string?)null), matcher.Push("x")); // not a stop string after all
        Assert.Equal(("a", (string?)null), matcher.Push("aST"));
        Assert.Equal(("", "STOP"), matcher.Push("OP and more"));
    }

    [Fact]
    public void StopMatcherReleasesHeldTextAtTheEndAndPassesThroughWithoutStops()
    {
        var matcher = new StopStringMatcher(["STOP"]);
        Assert.Equal(("abc ", (string?)null), matcher.Push("abc S"));
        Assert.Equal("S", matcher.Flush());

        Assert.Equal(("anything STOP", (string?)null), new StopStringMatcher([]).Push("anything STOP"));
    }
}
