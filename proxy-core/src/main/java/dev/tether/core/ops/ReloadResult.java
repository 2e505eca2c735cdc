package dev.tether.core.ops;

import dev.tether.core.log.Json;
import java.time.Instant;
import java.util.List;

/**
 * The outcome of one reload, as {@code GET /api/reload} and {@code tether reload} show it.
 *
 * @param id increases by one per reload asked for; 0 before the first
 * @param state {@code none} (no reload yet), {@code running}, {@code applied}, {@code unchanged} or {@code refused}
 * @param source the file loaded
 * @param summary the one-line diff when applied, else empty
 * @param errors every problem, each as {@code file:line: key = value (expected ...)}, when refused
 * @param at when the reload finished (or started, while running)
 */
public record ReloadResult(long id, String state, String source, String summary, List<String> errors, Instant at) {

    public ReloadResult {
        errors = List.copyOf(errors);
    }

    public static ReloadResult none() {
        return new ReloadResult(0, "none", null, "", List.of(), Instant.EPOCH);
    }

    public boolean finished() {
        return !state.equals("running");
    }

    public boolean refused() {
        return state.equals("refused");
    }

    public String json() {
        StringBuilder out = new StringBuilder(256).append("{\"id\":").append(id).append(",\"state\":");
        Json.string(out, state);
        out.append(",\"source\":");
        Json.string(out, source);
        out.append(",\"summary\":");
        Json.string(out, summary);
        out.append(",\"errors\":[");
        for (int i = 0; i < errors.size(); i++) {
            out.append(i == 0 ? "" : ",");
            Json.string(out, errors.get(i));
        }
        out.append("],\"at\":");
        Json.string(out, at.toString());
        return out.append("}\n").toString();
    }
}
