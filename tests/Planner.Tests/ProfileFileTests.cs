using Dynamo.Runtime.Configuration;

namespace Dynamo.Planner.Tests;

public sealed class ProfileFileTests
{
    [Fact]
    public void The_profiler_s_snake_case_file_is_read()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, """
                {
                  "engine": "mocker", "model": "m", "kv_block_size": 16, "kv_capacity_tokens": 65536,
                  "prefill": [ { "input_tokens": 128, "time_ms": 12.5 }, { "input_tokens": 1024, "time_ms": 80 } ],
                  "decode": [ { "batch": 1, "context_tokens": 512, "itl_ms": 9 }, { "batch": 8, "context_tokens": 512, "itl_ms": 12 } ]
                }
                """);

            var profile = ProfileFile.Read(path);

            Assert.Equal(("mocker", 16, 65536L), (profile.Engine, profile.KvBlockSize, profile.KvCapacityTokens));
            Assert.Equal(80, profile.Prefill[1].TimeMs);
            Assert.Equal((8, 512, 12.0), (profile.Decode[1].Batch, profile.Decode[1].ContextTokens, profile.Decode[1].ItlMs));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("""{ "engine": "x", "model": "m", "prefill": [], "decode": [ { "batch": 1, "context_tokens": 1, "itl_ms": 1 } ] }""", "no prefill points")]
    [InlineData("not json", "cannot be read")]
    public void A_profile_with_nothing_to_plan_on_is_refused(string json, string message)
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, json);

            var error = Assert.Throws<DynamoConfigurationException>(() => ProfileFile.Read(path));

            Assert.Contains(message, error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
