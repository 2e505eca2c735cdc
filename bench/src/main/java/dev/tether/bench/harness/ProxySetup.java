package dev.tether.bench.harness;

import java.nio.file.Path;
import java.util.List;

/**
 * What every contestant's configuration is generated from, so the three proxies get equivalent settings.
 *
 * @param profile plain, sticky or uuid-map
 * @param listenPort port on 127.0.0.1 the proxy listens on
 * @param backendPorts ports of the backends on 127.0.0.1; server {@code i} is named {@code s(i+1)}
 * @param threads proxy I/O threads (Tether event loops, HAProxy {@code nbthread}, nginx workers)
 * @param workDir where pid files, logs and temporary files go
 */
public record ProxySetup(Profile profile, int listenPort, List<Integer> backendPorts, int threads, Path workDir) {

    /** Cookie name for sticky sessions, the same for every contestant. */
    public static final String COOKIE = "SRV";

    public ProxySetup {
        backendPorts = List.copyOf(backendPorts);
        if (backendPorts.isEmpty()) {
            throw new IllegalArgumentException("backendPorts is empty (expected at least one backend)");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads = " + threads + " (expected >= 1)");
        }
    }

    public static String serverName(int index) {
        return "s" + (index + 1);
    }

    public boolean sticky() {
        return profile == Profile.STICKY;
    }
}
