package dev.tether.bench.harness;

import java.util.ArrayList;
import java.util.List;

/** The catalogue of scenarios, in the order they run. */
public final class Scenarios {

    /** Scenarios of {@code --quick}: the headline and the same-offered-load latency check. */
    public static final List<String> QUICK = List.of("keepalive-small", "fixed-rate-sticky");

    /**
     * Offered load of {@code fixed-rate-sticky} unless {@code --rate} says otherwise: well below what any
     * contestant carries on 2 shared cores, so the figure is the latency a proxy adds, not its queueing.
     */
    public static final int DEFAULT_RATE = 2_000;

    private static final List<Contestant> ALL =
            List.of(Contestant.DIRECT, Contestant.TETHER, Contestant.HAPROXY, Contestant.NGINX);

    private static final List<Scenario> CATALOGUE = List.of(
            new Scenario("keepalive-small", "GET of a 100-byte body over 64 keep-alive connections (the headline)",
                    Profile.PLAIN, Driver.WRK, "GET", "/small", 0, false, false, 64, 0, 0, ALL, null),
            new Scenario("close-small", "GET of a 100-byte body, a new client connection per request",
                    Profile.PLAIN, Driver.WRK, "GET", "/small", 0, true, false, 16, 0, 0, ALL, null),
            new Scenario("keepalive-16k", "GET of a 16 KiB body over 64 keep-alive connections",
                    Profile.PLAIN, Driver.WRK, "GET", "/16k", 0, false, false, 64, 0, 0, ALL, null),
            new Scenario("keepalive-1m", "GET of a 1 MiB body over 16 keep-alive connections",
                    Profile.PLAIN, Driver.WRK, "GET", "/1m", 0, false, false, 16, 0, 0, ALL, null),
            new Scenario("upload-1m", "POST of a 1 MiB body (tiny response) over 16 keep-alive connections",
                    Profile.PLAIN, Driver.WRK, "POST", "/upload", 1 << 20, false, false, 16, 0, 0, ALL, null),
            new Scenario("sticky-cookie", "GET /small carrying sticky cookies learned from the proxy, 64 connections",
                    Profile.STICKY, Driver.WRK, "GET", "/small", 0, false, true, 64, 0, 0, ALL, null),
            new Scenario("fixed-rate-sticky",
                    "LoadHarness open loop at a fixed rate, 200 cookie sessions: latency at equal offered load,"
                            + " stickiness violations",
                    Profile.STICKY, Driver.LOAD_HARNESS, "GET", "/small", 0, false, true, 200, DEFAULT_RATE, 0, ALL,
                    null),
            new Scenario("fixed-rate-churn",
                    "fixed-rate-sticky where each response ends its session with chance 0.1: cookie insertion on a"
                            + " tenth of the responses",
                    Profile.STICKY, Driver.LOAD_HARNESS, "GET", "/small", 0, false, true, 200, DEFAULT_RATE, 0.1,
                    ALL, null),
            new Scenario("uuid-map-1000",
                    "GET /u/<uuid>/small over 64 connections, routed by 1 000 UUID-prefix overrides over 2 ranges",
                    Profile.UUID_MAP, Driver.WRK, "GET", "/small", 0, false, false, 64, 0, 0, ALL, null),
            new Scenario("websocket-echo",
                    "LoadHarness websocket echo round trips at a fixed rate over 64 upgraded connections",
                    Profile.WEBSOCKET, Driver.LOAD_HARNESS, "GET", "/ws", 0, false, false, 64, 2_000, 0,
                    List.of(Contestant.DIRECT, Contestant.TETHER, Contestant.HAPROXY), null));

    private Scenarios() {}

    public static List<Scenario> all() {
        return CATALOGUE;
    }

    public static Scenario byName(String name) {
        for (Scenario s : CATALOGUE) {
            if (s.name().equals(name.trim())) {
                return s;
            }
        }
        List<String> names = new ArrayList<>();
        CATALOGUE.forEach(s -> names.add(s.name()));
        throw new IllegalArgumentException("unknown scenario '" + name + "' (expected one of " + names + ")");
    }

    /** The runnable scenarios named, or all runnable ones for an empty list, in catalogue order. */
    public static List<Scenario> select(List<String> names) {
        List<Scenario> chosen = new ArrayList<>();
        for (String n : names) {
            byName(n); // fail on a typo before anything starts
        }
        for (Scenario s : CATALOGUE) {
            boolean wanted = names.isEmpty() ? !s.pending() : names.contains(s.name());
            if (wanted) {
                chosen.add(s);
            }
        }
        return chosen;
    }
}
