package dev.tether.health;

import dev.tether.routing.model.Server;
import java.util.concurrent.CompletionStage;

/**
 * Sends one health probe to a server: the only I/O seam of health checking.
 *
 * <p>Implementations apply their own timeout and complete the stage with a {@link ProbeResult} in every
 * case, failures included; they must not block the calling thread. An exceptional completion is counted as
 * a failed probe of kind {@link ProbeFailure#OTHER}.
 */
@FunctionalInterface
public interface Prober {
    CompletionStage<ProbeResult> probe(Server server);
}
