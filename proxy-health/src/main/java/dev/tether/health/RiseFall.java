package dev.tether.health;

/**
 * HAProxy's health counter for one server.
 *
 * <p>A single counter runs from 0 to {@code rise + fall - 1}. The server is up while the counter is at least
 * {@code rise}. A failed check takes one off; when that leaves the counter below {@code rise} it drops to 0
 * and the server is down. A passed check adds one; when that reaches {@code rise} it jumps to the top and the
 * server is up. So a fully up server goes down after {@code fall} consecutive failures, a down server comes up
 * after {@code rise} consecutive passes, a single pass restores a server that was part-way down, and a single
 * failure sends a part-way risen server back to 0.
 *
 * <pre>
 *   rise 2, fall 3:   0 ──pass──▶ 1 ──pass──▶ [2 → 4]      up at 2..4, down at 0..1
 *                     ▲                        │
 *                     └──fail── 2 ◀─fail── 3 ◀─fail── 4
 * </pre>
 *
 * <p>Not thread-safe; {@link HealthChecker} guards each instance.
 */
public final class RiseFall {

    private final int rise;
    private final int fall;
    private int health;
    private int streak;

    private RiseFall(int rise, int fall, int health) {
        if (rise < 1 || fall < 1) {
            throw new IllegalArgumentException("rise and fall must be at least 1 (rise = " + rise + ", fall = " + fall + ")");
        }
        this.rise = rise;
        this.fall = fall;
        this.health = health;
    }

    /** A fully up server: it takes {@code fall} consecutive failures to bring it down. */
    public static RiseFall up(int rise, int fall) {
        return new RiseFall(rise, fall, rise + fall - 1);
    }

    /** A fully down server: it takes {@code rise} consecutive passes to bring it up. */
    public static RiseFall down(int rise, int fall) {
        return new RiseFall(rise, fall, 0);
    }

    /**
     * Counts one check. Returns
     * <ul>
     *   <li>{@code CHANGED} when the server went down or came up;
     *   <li>{@code CHANGE_PENDING} when the counter is now part-way (neither fully up nor fully down);
     *   <li>{@code UNCHANGED} when the counter is at rest at either end.
     * </ul>
     */
    public HealthTransition record(ProbeResult result) {
        return record(result.passed());
    }

    /** As {@link #record(ProbeResult)}, for a bare pass or failure. */
    public HealthTransition record(boolean passed) {
        boolean wasUp = isUp();
        if (passed) {
            streak = streak > 0 ? streak + 1 : 1;
            if (health < max()) {
                health++;
                if (health >= rise) {
                    health = max();
                }
            }
        } else {
            streak = streak < 0 ? streak - 1 : -1;
            if (health > 0) {
                health--;
                if (health < rise) {
                    health = 0;
                }
            }
        }
        return transition(wasUp);
    }

    /** Takes the server down at once (passive {@code mark-down}), whatever the counter says. */
    public HealthTransition markDown() {
        boolean wasUp = isUp();
        health = 0;
        streak = streak < 0 ? streak - 1 : -1;
        return transition(wasUp);
    }

    private HealthTransition transition(boolean wasUp) {
        if (wasUp != isUp()) {
            return HealthTransition.CHANGED;
        }
        return isSettled() ? HealthTransition.UNCHANGED : HealthTransition.CHANGE_PENDING;
    }

    public boolean isUp() {
        return health >= rise;
    }

    /** Whether the counter is at either end, so no change is on its way. */
    public boolean isSettled() {
        return health == 0 || health == max();
    }

    /** The counter, 0..{@code rise + fall - 1}. */
    public int health() {
        return health;
    }

    /** Consecutive passes (positive) or failures (negative) ending with the last check; 0 before any. */
    public int streak() {
        return streak;
    }

    public int rise() {
        return rise;
    }

    public int fall() {
        return fall;
    }

    private int max() {
        return rise + fall - 1;
    }

    @Override
    public String toString() {
        return "RiseFall[" + health + "/" + max() + (isUp() ? " up" : " down") + "]";
    }
}
