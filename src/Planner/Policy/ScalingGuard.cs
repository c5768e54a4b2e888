using System.Globalization;

namespace Dynamo.Planner.Policy;

/// <summary>
/// One pool's brakes, on the policy's clock:
/// <list type="bullet">
/// <item>scale-up is immediate;</item>
/// <item>no scale-down within the cooldown of the pool's last change (nor of the planner's start), and only down to the
/// largest count recommended within the last cooldown (Kubernetes' stabilisation window), so noise does not shrink a pool;</item>
/// <item>no flapping: a change of direction only a cooldown after the last one, so any cooldown-long window holds at
/// most one (a scale-up that would reverse a recent scale-down waits).</item>
/// </list>
/// </summary>
internal sealed class ScalingGuard(TimeSpan cooldown)
{
    private readonly Queue<(DateTimeOffset Time, int Replicas)> _recommended = new();
    private DateTimeOffset? _lastChange;
    private DateTimeOffset? _lastReversal;
    private int _lastDirection;

    /// <returns>The count to ask for now, and why.</returns>
    public (int Target, string Reason) Apply(DateTimeOffset now, int current, int recommended)
    {
        _lastChange ??= now;
        _recommended.Enqueue((now, recommended));
        while (_recommended.Peek().Time <= now - cooldown && _recommended.Count > 1)
            _recommended.Dequeue();

        if (recommended == current)
            return (current, "steady");
        var direction = Math.Sign(recommended - current);
        if (direction != _lastDirection && _lastDirection != 0 && now - _lastReversal < cooldown)
            return (current, Inv($"hold: reversing the last change of direction ({Ago(now, _lastReversal!.Value)} ago) waits out the cooldown"));
        if (direction > 0)
            return (recommended, "scale up");

        if (now - _lastChange < cooldown)
            return (current, Inv($"hold: scale-down cooldown, last change {Ago(now, _lastChange.Value)} ago"));
        var stabilised = _recommended.Max(r => r.Replicas);
        return stabilised >= current
            ? (current, Inv($"hold: {stabilised} recommended within the cooldown"))
            : (stabilised, "scale down");
    }

    /// <summary>The pool was changed from <paramref name="from"/> to <paramref name="to"/> now.</summary>
    public void Changed(DateTimeOffset now, int from, int to)
    {
        var direction = Math.Sign(to - from);
        if (direction == 0)
            return;
        if (direction != _lastDirection)
            _lastReversal = now;
        (_lastChange, _lastDirection) = (now, direction);
    }

    private static string Ago(DateTimeOffset now, DateTimeOffset then) => $"{(now - then).TotalSeconds:0.#} s";

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
