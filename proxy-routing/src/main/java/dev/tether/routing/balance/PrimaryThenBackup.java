package dev.tether.routing.balance;

import dev.tether.routing.LoadSignal;
import dev.tether.routing.model.Server;
import java.util.Set;

/** Asks the balancer of the usable primary servers first and the one of the backup servers only when it has none. */
final class PrimaryThenBackup implements LoadBalancer {

    private final LoadBalancer primary;
    private final LoadBalancer backup;

    /** Either may be {@code null} when the backend has no usable server of that kind. */
    PrimaryThenBackup(LoadBalancer primary, LoadBalancer backup) {
        this.primary = primary;
        this.backup = backup;
    }

    @Override
    public Server pick(LoadSignal load, Set<String> avoid) {
        Server s = primary == null ? null : primary.pick(load, avoid);
        if (s == null && backup != null) {
            s = backup.pick(load, avoid);
        }
        return s;
    }
}
