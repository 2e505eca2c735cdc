package dev.tether.core.ops;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders {@code GET /api/servers} as a plain text table for {@code tether servers}. The JSON is ours and flat
 * (names are {@code [A-Za-z0-9._-]}), so a few patterns read it; this is not a general JSON parser.
 */
final class ServersTable {

    private static final Pattern BACKEND = Pattern.compile("\\{\"name\":\"([^\"]*)\",\"servers\":\\[(.*?)\\]\\}");
    private static final Pattern SERVER = Pattern.compile("\\{([^{}]*)\\}");
    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":(\"(?:[^\"\\\\]|\\\\.)*\"|[^,]*)");
    private static final String[] COLUMNS = {"backend", "name", "address", "state", "admin", "health", "weight",
        "backup", "inFlight"};

    private ServersTable() {}

    static String render(String json) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"BACKEND", "SERVER", "ADDRESS", "STATE", "ADMIN", "HEALTH", "WEIGHT", "BACKUP",
            "IN-FLIGHT"});
        Matcher b = BACKEND.matcher(json);
        while (b.find()) {
            Matcher s = SERVER.matcher(b.group(2));
            while (s.find()) {
                Map<String, String> fields = new LinkedHashMap<>();
                fields.put("backend", b.group(1));
                Matcher f = FIELD.matcher(s.group(1));
                while (f.find()) {
                    String v = f.group(2);
                    fields.put(f.group(1), v.startsWith("\"") ? v.substring(1, v.length() - 1) : v);
                }
                String[] row = new String[COLUMNS.length];
                for (int i = 0; i < COLUMNS.length; i++) {
                    row[i] = fields.getOrDefault(COLUMNS[i], "-");
                }
                rows.add(row);
            }
        }
        int[] width = new int[COLUMNS.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                out.append(row[i]);
                if (i < row.length - 1) {
                    out.append(" ".repeat(width[i] - row[i].length() + 2));
                }
            }
            out.append('\n');
        }
        return out.toString();
    }
}
