package dev.tether.bench.harness;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * System calls per request, from {@code strace -c -f} attached to a proxy during a separate wrk run (strace slows
 * the proxy several times, so that run is never a measured one). The figure the issue asks about: a proxy that
 * batches its flushes makes about one read and one write per request on each side, plus a share of
 * {@code epoll_wait}. Under strace a proxy handles fewer events per wake-up, so {@code epoll_wait} per request is
 * higher than at full speed; reads and writes per request are not affected.
 */
public final class StraceSummary {

    private StraceSummary() {}

    /** Calls per system call name, most frequent first, from {@code strace -c} output (the total line left out). */
    public static Map<String, Long> parse(String straceOutput) {
        List<Map.Entry<String, Long>> entries = new ArrayList<>();
        for (String line : straceOutput.split("\\R")) {
            String[] f = line.trim().split("\\s+");
            // % time, seconds, usecs/call, calls, [errors], syscall
            if (f.length < 5 || !f[0].matches("[\\d.]+") || "total".equals(f[f.length - 1])) {
                continue;
            }
            entries.add(Map.entry(f[f.length - 1], Long.parseLong(f[3])));
        }
        entries.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
        Map<String, Long> calls = new LinkedHashMap<>();
        entries.forEach(e -> calls.put(e.getKey(), e.getValue()));
        return calls;
    }

    /** One table row per strace run: total per request and the most frequent calls per request. */
    public static String render(List<Run> runs) {
        StringBuilder b = new StringBuilder();
        b.append("| scenario | contestant | requests (under strace) | syscalls/req | top syscalls per request |\n");
        b.append("|---|---|--:|--:|---|\n");
        for (Run r : runs) {
            long total = r.calls().values().stream().mapToLong(Long::longValue).sum();
            List<String> top = new ArrayList<>();
            for (Map.Entry<String, Long> e : r.calls().entrySet()) {
                if (top.size() == 6) {
                    break;
                }
                top.add(String.format(Locale.ROOT, "%s %.2f", e.getKey(), perRequest(e.getValue(), r.requests())));
            }
            b.append("| ").append(r.scenario())
                    .append(" | ").append(r.contestant().label())
                    .append(" | ").append(r.requests())
                    .append(" | ").append(String.format(Locale.ROOT, "%.2f", perRequest(total, r.requests())))
                    .append(" | ").append(String.join(", ", top))
                    .append(" |\n");
        }
        return b.toString();
    }

    private static double perRequest(long calls, long requests) {
        return requests == 0 ? Double.NaN : (double) calls / requests;
    }

    /** One strace run: what wrk completed while strace counted. */
    public record Run(String scenario, Contestant contestant, long requests, Map<String, Long> calls) {
        public Run {
            calls = new LinkedHashMap<>(calls);
        }
    }
}
