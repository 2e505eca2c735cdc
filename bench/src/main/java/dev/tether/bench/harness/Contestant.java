package dev.tether.bench.harness;

import java.util.Locale;

/** Who sits between the load generator and the backends in one measurement. */
public enum Contestant {
    /** No proxy: the load generator talks to one backend. The ceiling for every proxy. */
    DIRECT,
    TETHER,
    HAPROXY,
    NGINX;

    /** The lower-case name used on the command line, in file names and in the result table. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isProxy() {
        return this != DIRECT;
    }

    public static Contestant parse(String label) {
        for (Contestant c : values()) {
            if (c.label().equals(label.trim().toLowerCase(Locale.ROOT))) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown contestant '" + label + "' (expected direct, tether, haproxy, nginx)");
    }

    /** Like {@link #parse}, and a Tether variant's label ({@code tether-nometrics}, see {@link TetherVariant}) is Tether. */
    public static Contestant ofLabel(String label) {
        if (label.trim().toLowerCase(Locale.ROOT).startsWith(TETHER.label() + "-")) {
            TetherVariant.parseLabel(label);
            return TETHER;
        }
        return parse(label);
    }
}
