package dev.tether.core.admin;

import dev.tether.core.log.Json;
import dev.tether.core.metrics.BackendStats;
import dev.tether.core.metrics.ProxyMetrics;
import dev.tether.core.metrics.ServerStats;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The stats page: per backend and server, state and since when, last health check, weight, sessions, requests,
 * 5xx, bytes and sticky routing, like HAProxy's {@code stats uri} page. Plain HTML readable without JavaScript;
 * {@code ?format=json} gives the same figures as JSON.
 */
final class StatsPage implements AdminEndpoint {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private final ProxyMetrics metrics;
    private final Clock clock;

    StatsPage(ProxyMetrics metrics, Clock clock) {
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public AdminResponse handle(AdminRequest request) {
        if (!request.isRead()) {
            return AdminResponse.onlyGet();
        }
        List<BackendStats> stats = metrics.stats();
        long now = clock.millis();
        String format = request.param("format");
        if ("json".equals(format)) {
            return AdminResponse.of(200, AdminResponse.JSON, json(stats, now));
        }
        if (format != null && !format.equals("html")) {
            return AdminResponse.text(400, "400 Bad Request: format = " + format + " (expected html or json)");
        }
        return AdminResponse.of(200, AdminResponse.HTML, html(stats, now));
    }

    // ---------------------------------------------------------------- JSON

    static String json(List<BackendStats> stats, long now) {
        StringBuilder out = new StringBuilder(256 + stats.size() * 512);
        out.append("{\"generatedAt\":");
        Json.string(out, instant(now));
        out.append(",\"backends\":[");
        for (int b = 0; b < stats.size(); b++) {
            BackendStats backend = stats.get(b);
            out.append(b == 0 ? "" : ",").append("{\"name\":");
            Json.string(out, backend.name());
            out.append(",\"queueLength\":").append(backend.queueLength());
            out.append(",\"openTunnels\":").append(backend.openTunnels());
            if (backend.stickTableKeys() >= 0) {
                out.append(",\"stickTableKeys\":").append(backend.stickTableKeys());
            }
            out.append(",\"servers\":[");
            for (int i = 0; i < backend.servers().size(); i++) {
                ServerStats s = backend.servers().get(i);
                out.append(i == 0 ? "" : ",").append("{\"name\":");
                Json.string(out, s.server());
                out.append(",\"state\":");
                Json.string(out, s.state().name());
                out.append(",\"stateSince\":");
                Json.string(out, instant(s.stateSinceMillis()));
                out.append(",\"stateSinceMillis\":").append(s.stateSinceMillis());
                out.append(",\"lastCheck\":");
                if (s.lastCheckPassed() == null) {
                    out.append("null");
                } else {
                    out.append("{\"passed\":").append(s.lastCheckPassed());
                    out.append(",\"at\":");
                    Json.string(out, instant(s.lastCheckMillis()));
                    out.append(",\"latencyMillis\":");
                    out.append(s.lastCheckLatencyNanos() < 0 ? "null" : millis(s.lastCheckLatencyNanos()));
                    out.append(",\"detail\":");
                    Json.string(out, s.lastCheckDetail());
                    out.append('}');
                }
                out.append(",\"weight\":").append(s.weight());
                out.append(",\"slowStartPercent\":").append(s.slowStartPercent() < 0 ? "null"
                        : Integer.toString(s.slowStartPercent()));
                out.append(",\"backup\":").append(s.backup());
                out.append(",\"currentSessions\":").append(s.currentSessions());
                out.append(",\"maxSessions\":").append(s.maxSessions());
                out.append(",\"maxConn\":").append(s.maxConn());
                out.append(",\"requests\":").append(s.requests());
                out.append(",\"responses5xx\":").append(s.responses5xx());
                out.append(",\"bytesIn\":").append(s.bytesIn());
                out.append(",\"bytesOut\":").append(s.bytesOut());
                out.append(",\"stickyRouted\":").append(s.stickyRouted());
                out.append(",\"pinnedSessions\":").append(s.pinnedSessions() < 0 ? "null"
                        : Integer.toString(s.pinnedSessions()));
                out.append('}');
            }
            out.append("]}");
        }
        return out.append("]}\n").toString();
    }

    // ---------------------------------------------------------------- HTML

    static String html(List<BackendStats> stats, long now) {
        StringBuilder out = new StringBuilder(1024 + stats.size() * 2048);
        out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Tether stats</title>\n")
                .append("<style>body{font-family:sans-serif;font-size:14px}table{border-collapse:collapse;")
                .append("margin-bottom:1.5em}th,td{border:1px solid #999;padding:2px 6px;text-align:right}")
                .append("td.name,td.state,td.since,td.check{text-align:left}th{background:#ddd}")
                .append("tr.UP{background:#cfc}tr.DRAIN{background:#ffc}tr.DOWN{background:#fcc}")
                .append("tr.MAINT{background:#ccf}</style></head><body>\n")
                .append("<h1>Tether stats</h1>\n<p>Generated ").append(escape(iso(now)))
                .append(". Same data as JSON: <a href=\"?format=json\">?format=json</a></p>\n");
        for (BackendStats backend : stats) {
            out.append("<h2>Backend ").append(escape(backend.name())).append("</h2>\n<p>Queue: ")
                    .append(backend.queueLength()).append(", open tunnels: ").append(backend.openTunnels())
                    .append("</p>\n<table id=\"").append(escape(backend.name())).append("\">\n")
                    .append("<tr><th>Server</th><th>State</th><th>Since</th><th>Last check</th><th>Weight</th>")
                    .append("<th>Cur sessions</th><th>Max sessions</th><th>Limit</th><th>Requests</th>")
                    .append("<th>5xx</th><th>Bytes in</th><th>Bytes out</th><th>Sticky routed</th>")
                    .append("<th title=\"sticky sessions seen within drain-idle-timeout\">Pinned sessions</th></tr>\n");
            for (ServerStats s : backend.servers()) {
                out.append("<tr id=\"").append(escape(s.backend() + "/" + s.server())).append("\" class=\"")
                        .append(s.state().name()).append("\">");
                cell(out, "name", s.server() + (s.backup() ? " (backup)" : ""));
                cell(out, "state", s.state().name());
                cell(out, "since", iso(s.stateSinceMillis()) + " (" + ago(now - s.stateSinceMillis()) + " ago)");
                cell(out, "check", check(s));
                cell(out, "weight", s.weight() + (s.slowStartPercent() < 0 ? ""
                        : " (slow start " + s.slowStartPercent() + "%)"));
                cell(out, "cur", Integer.toString(s.currentSessions()));
                cell(out, "max", Integer.toString(s.maxSessions()));
                cell(out, "limit", s.maxConn() == 0 ? "-" : Integer.toString(s.maxConn()));
                cell(out, "requests", Long.toString(s.requests()));
                cell(out, "5xx", Long.toString(s.responses5xx()));
                cell(out, "bytes-in", Long.toString(s.bytesIn()));
                cell(out, "bytes-out", Long.toString(s.bytesOut()));
                cell(out, "sticky", Long.toString(s.stickyRouted()));
                cell(out, "pinned", s.pinnedSessions() < 0 ? "-" : Integer.toString(s.pinnedSessions()));
                out.append("</tr>\n");
            }
            out.append("</table>\n");
        }
        return out.append("</body></html>\n").toString();
    }

    private static String check(ServerStats s) {
        if (s.lastCheckPassed() == null) {
            return "none yet";
        }
        StringBuilder text = new StringBuilder(s.lastCheckPassed() ? "pass" : "FAIL");
        if (s.lastCheckLatencyNanos() >= 0) {
            text.append(" in ").append(millis(s.lastCheckLatencyNanos())).append(" ms");
        }
        if (s.lastCheckDetail() != null) {
            text.append(": ").append(s.lastCheckDetail());
        }
        return text.append(", at ").append(iso(s.lastCheckMillis())).toString();
    }

    private static void cell(StringBuilder out, String css, String text) {
        out.append("<td class=\"").append(css).append("\">").append(escape(text)).append("</td>");
    }

    /** Escapes text for HTML element content and double-quoted attributes. */
    static String escape(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String replacement = switch (c) {
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '&' -> "&amp;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                default -> null;
            };
            if (replacement != null && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                if (replacement != null) {
                    out.append(replacement);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? text : out.toString();
    }

    private static String iso(long millis) {
        return TIME.format(Instant.ofEpochMilli(millis));
    }

    /** ISO-8601 for JSON readers: {@code 2026-11-22T01:29:32.044Z}. */
    private static String instant(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }

    private static String millis(long nanos) {
        return Long.toString(nanos / 1_000_000) + "." + (nanos / 100_000) % 10;
    }

    /** {@code 3d 4h}, {@code 5m 2s}: the two largest units, like HAProxy's "LastChk" column. */
    static String ago(long millis) {
        long s = Math.max(0, millis) / 1000;
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m " + s % 60 + "s";
        }
        if (s < 86400) {
            return s / 3600 + "h " + s % 3600 / 60 + "m";
        }
        return s / 86400 + "d " + s % 86400 / 3600 + "h";
    }
}
