package dev.tether.core.config;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * One HOCON object being bound, with the key path it is known by and where the user wrote it.
 *
 * <p>Every getter reports what is wrong to {@link Problems} (with the value's own file and line) and returns
 * {@code null} instead of throwing, so binding carries on and finds the next problem too. Callers check
 * {@link Problems#reported()} before building a record from what they read.
 */
final class ConfigSection {

    static final String DURATION = "expected a duration such as 500ms, 15s, 10m or 23h";
    static final String SIZE = "expected a size such as 8192, 32KiB or 50MiB";

    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]+");

    private final ConfigObject object;
    private final String path;
    private final ConfigOrigin origin;
    private final Problems problems;

    ConfigSection(ConfigObject object, String path, ConfigOrigin origin, Problems problems) {
        this.object = object;
        this.path = path;
        this.origin = origin;
        this.problems = problems;
    }

    ConfigObject object() {
        return object;
    }

    String path() {
        return path;
    }

    ConfigOrigin origin() {
        return origin;
    }

    Problems problems() {
        return problems;
    }

    /** The display path of a key of this section: {@code tether.backends.app} + {@code retries}. */
    String path(String key) {
        String k = PLAIN_KEY.matcher(key).matches() ? key : ConfigUtil.quoteString(key);
        return path.isEmpty() ? k : path + "." + k;
    }

    /** This section with every key it lacks taken from {@code defaults}; keeps this section's path and origin. */
    ConfigSection withFallback(ConfigSection defaults) {
        return new ConfigSection(object.withFallback(defaults.object), path, origin, problems);
    }

    /** The raw value, {@code null} when absent. A HOCON {@code null} is returned as a NULL-typed value. */
    ConfigValue raw(String key) {
        return object.get(key);
    }

    /** Whether the key is present with a value other than {@code null}. */
    boolean isSet(String key) {
        ConfigValue v = object.get(key);
        return v != null && v.valueType() != ConfigValueType.NULL;
    }

    /** Reports a problem with the value of {@code key} (or with this section when the key is absent). */
    void problem(String key, String expected) {
        ConfigValue v = object.get(key);
        if (v == null) {
            problems.add(origin, path(key), null, expected);
        } else {
            problems.add(v.origin(), path(key), render(v), expected);
        }
    }

    /** Reports a problem with this section as a whole. */
    void problem(String expected) {
        problems.add(origin, path, null, expected);
    }

    /** Reports every key not in {@code known}, suggesting the closest known one. */
    void checkKeys(Collection<String> known) {
        for (String key : object.keySet()) {
            if (!known.contains(key)) {
                problem(key, unknownKey(key, known));
            }
        }
    }

    static String unknownKey(String key, Collection<String> known) {
        String closest = closest(key, known);
        if (closest != null) {
            return "unknown key; did you mean " + closest + "?";
        }
        return "unknown key; expected one of " + String.join(", ", new TreeSet<>(known));
    }

    private String missing(String key, String expected) {
        problem(key, "missing; " + expected);
        return null;
    }

    /** A required string; missing, {@code null}, a list or an object is a problem. */
    String string(String key, String expected) {
        if (!isSet(key)) {
            return missing(key, expected);
        }
        return optionalString(key, expected);
    }

    /** An optional string: {@code null} when absent or {@code null}; numbers and booleans are taken as text. */
    String optionalString(String key, String expected) {
        ConfigValue v = object.get(key);
        if (v == null || v.valueType() == ConfigValueType.NULL) {
            return null;
        }
        if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.LIST) {
            problem(key, expected);
            return null;
        }
        return String.valueOf(v.unwrapped());
    }

    /**
     * The value as text when it is a plain value, else {@code null}; reports nothing. For cross-checks (duplicate
     * names) that must still see entries whose own binding failed.
     */
    String peekString(String key) {
        ConfigValue v = object.get(key);
        if (v == null || v.valueType() == ConfigValueType.NULL || v.valueType() == ConfigValueType.OBJECT
                || v.valueType() == ConfigValueType.LIST) {
            return null;
        }
        return String.valueOf(v.unwrapped());
    }

    /** The value when it is a whole number, else {@code null}; reports nothing. */
    Integer peekInt(String key) {
        ConfigValue v = object.get(key);
        return v != null && v.unwrapped() instanceof Integer i ? i : null;
    }

    /** A required integer within {@code min..max}. */
    Integer integer(String key, int min, int max) {
        String expected = max == Integer.MAX_VALUE
                ? "expected an integer >= " + min
                : "expected an integer " + min + ".." + max;
        if (!isSet(key)) {
            missing(key, expected);
            return null;
        }
        Number n;
        try {
            n = object.toConfig().getNumber(ConfigUtil.joinPath(key));
        } catch (ConfigException e) {
            problem(key, expected);
            return null;
        }
        double d = n.doubleValue();
        if (d != Math.rint(d) || d < min || d > max) {
            problem(key, expected);
            return null;
        }
        return (int) d;
    }

    /** A required switch: on/off, yes/no, true/false. */
    Boolean bool(String key) {
        String expected = "expected on or off";
        if (!isSet(key)) {
            missing(key, expected);
            return null;
        }
        try {
            return object.toConfig().getBoolean(ConfigUtil.joinPath(key));
        } catch (ConfigException e) {
            problem(key, expected);
            return null;
        }
    }

    /** A required duration, at least {@code min}. */
    Duration duration(String key, Duration min) {
        String expected = min.isZero() ? DURATION : DURATION + ", above 0";
        if (!isSet(key)) {
            missing(key, expected);
            return null;
        }
        Duration d;
        try {
            d = object.toConfig().getDuration(ConfigUtil.joinPath(key));
        } catch (ConfigException e) {
            problem(key, expected);
            return null;
        }
        if (d.compareTo(min) < 0) {
            problem(key, expected);
            return null;
        }
        return d;
    }

    /** A required size in bytes within {@code min..max}. */
    Long bytes(String key, long min, long max) {
        String expected = SIZE + (min > 0 ? ", above 0" : "") + (max <= Integer.MAX_VALUE ? ", below 2GiB" : "");
        if (!isSet(key)) {
            missing(key, expected);
            return null;
        }
        long b;
        try {
            b = object.toConfig().getBytes(ConfigUtil.joinPath(key));
        } catch (ConfigException e) {
            problem(key, expected);
            return null;
        }
        if (b < min || b > max) {
            problem(key, expected);
            return null;
        }
        return b;
    }

    /** A nested object; {@code null} (and a problem) when absent or not an object. */
    ConfigSection section(String key, String expected) {
        ConfigValue v = object.get(key);
        if (v == null || v.valueType() == ConfigValueType.NULL) {
            missing(key, expected);
            return null;
        }
        if (v.valueType() != ConfigValueType.OBJECT) {
            problem(key, expected);
            return null;
        }
        return new ConfigSection((ConfigObject) v, path(key), v.origin(), problems);
    }

    /** An optional nested object: {@code null} without a problem when absent or {@code null}. */
    ConfigSection optionalSection(String key, String expected) {
        return isSet(key) ? section(key, expected) : null;
    }

    /**
     * A list of objects, each as a section named {@code key[i]}; {@code null} (and a problem) when absent or not
     * a list. An element that is not an object is reported and left out.
     */
    List<ConfigSection> sections(String key, String expected) {
        ConfigValue v = object.get(key);
        if (v == null || v.valueType() == ConfigValueType.NULL) {
            missing(key, expected);
            return null;
        }
        if (v.valueType() != ConfigValueType.LIST) {
            problem(key, expected);
            return null;
        }
        List<ConfigSection> result = new ArrayList<>();
        ConfigList list = (ConfigList) v;
        for (int i = 0; i < list.size(); i++) {
            ConfigValue e = list.get(i);
            String p = path(key) + "[" + i + "]";
            if (e.valueType() != ConfigValueType.OBJECT) {
                problems.add(e.origin(), p, render(e), expected);
                result.add(null);
            } else {
                result.add(new ConfigSection((ConfigObject) e, p, e.origin(), problems));
            }
        }
        return result;
    }

    /** A value as the user would recognise it, shortened when long. */
    static String render(ConfigValue v) {
        String s = v.render(ConfigRenderOptions.concise());
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    /** The known key closest to a misspelt one, or {@code null} when none is close enough to be a typo. */
    static String closest(String key, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String k = key.toLowerCase(java.util.Locale.ROOT);
        for (String candidate : new TreeSet<>(known)) {
            int d = distance(k, candidate.toLowerCase(java.util.Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        int allowed = Math.max(2, key.length() / 3);
        return bestDistance <= allowed && bestDistance < key.length() ? best : null;
    }

    /** Levenshtein distance, with a swap of two neighbours counted as one edit (max-idel -> max-idle). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
