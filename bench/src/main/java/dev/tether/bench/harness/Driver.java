package dev.tether.bench.harness;

import java.util.Locale;

/** The load generator a scenario runs with. */
public enum Driver {
    /** wrk: closed loop, as many requests as the connections can carry. Measures capacity. */
    WRK,
    /** Tether's {@code LoadHarness}: open loop at a fixed rate, cookie sessions, stickiness checks. */
    LOAD_HARNESS;

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
