package dev.tether.routing.redispatch;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The failed attempts of one exchange, oldest first. Immutable: {@link #append} returns a new history. */
public final class AttemptHistory {

    public static final AttemptHistory EMPTY = new AttemptHistory(List.of());

    private final List<Attempt> attempts;

    private AttemptHistory(List<Attempt> attempts) {
        this.attempts = attempts;
    }

    public static AttemptHistory of(Attempt... attempts) {
        return new AttemptHistory(List.of(attempts));
    }

    public AttemptHistory append(Attempt attempt) {
        List<Attempt> next = new ArrayList<>(attempts.size() + 1);
        next.addAll(attempts);
        next.add(attempt);
        return new AttemptHistory(List.copyOf(next));
    }

    public List<Attempt> attempts() {
        return attempts;
    }

    public int size() {
        return attempts.size();
    }

    public boolean isEmpty() {
        return attempts.isEmpty();
    }

    /** The servers that failed, in the order they were first tried. */
    public Set<String> servers() {
        Set<String> ids = new LinkedHashSet<>();
        for (Attempt a : attempts) {
            ids.add(a.serverId());
        }
        return ids;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AttemptHistory && ((AttemptHistory) o).attempts.equals(attempts);
    }

    @Override
    public int hashCode() {
        return attempts.hashCode();
    }

    @Override
    public String toString() {
        return "AttemptHistory" + attempts;
    }
}
