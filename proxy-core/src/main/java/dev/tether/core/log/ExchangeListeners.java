package dev.tether.core.log;

import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Combines listeners, so forwarding code holds one {@link ExchangeListener} for metrics and access log alike. */
public final class ExchangeListeners {

    private ExchangeListeners() {}

    /**
     * A listener that passes every event to each of {@code listeners} in order. A listener that throws is logged
     * and does not keep the others from the event. {@link ExchangeListener#NONE} is left out: Tether passes it when
     * no test listens, and a third receiver type would make the per-exchange call megamorphic (not inlined).
     */
    public static ExchangeListener of(ExchangeListener... listeners) {
        List<ExchangeListener> list = Stream.of(listeners).map(Objects::requireNonNull)
                .filter(l -> l != ExchangeListener.NONE).toList();
        if (list.isEmpty()) {
            return ExchangeListener.NONE;
        }
        if (list.size() == 1) {
            return list.get(0);
        }
        return new Composite(list.toArray(new ExchangeListener[0]));
    }

    private static final class Composite implements ExchangeListener {

        private static final Logger log = LoggerFactory.getLogger(ExchangeListeners.class);

        private final ExchangeListener[] listeners;

        Composite(ExchangeListener[] listeners) {
            this.listeners = listeners;
        }

        private void each(String event, Consumer<ExchangeListener> call) {
            for (ExchangeListener l : listeners) {
                try {
                    call.accept(l);
                } catch (RuntimeException e) {
                    log.error("exchange listener {} failed on {}", l.getClass().getName(), event, e);
                }
            }
        }

        @Override
        public void exchangeFinished(ExchangeRecord record) {
            // The hot path: a plain loop, no lambda capture per exchange.
            for (ExchangeListener l : listeners) {
                try {
                    l.exchangeFinished(record);
                } catch (RuntimeException e) {
                    log.error("exchange listener {} failed on exchangeFinished", l.getClass().getName(), e);
                }
            }
        }

        @Override
        public void clientConnectionOpened(String listener) {
            each("clientConnectionOpened", l -> l.clientConnectionOpened(listener));
        }

        @Override
        public void clientConnectionClosed(String listener) {
            each("clientConnectionClosed", l -> l.clientConnectionClosed(listener));
        }

        @Override
        public void serverConnectionOpened(String serverId) {
            each("serverConnectionOpened", l -> l.serverConnectionOpened(serverId));
        }

        @Override
        public void serverConnectionClosed(String serverId) {
            each("serverConnectionClosed", l -> l.serverConnectionClosed(serverId));
        }

        @Override
        public void retried(String serverId, String failureKind, boolean redispatch) {
            each("retried", l -> l.retried(serverId, failureKind, redispatch));
        }

        @Override
        public void tunnelOpened(String backend) {
            each("tunnelOpened", l -> l.tunnelOpened(backend));
        }

        @Override
        public void tunnelClosed(String backend, long bytesFromClient, long bytesFromServer) {
            each("tunnelClosed", l -> l.tunnelClosed(backend, bytesFromClient, bytesFromServer));
        }

        @Override
        public void queued(String backend) {
            each("queued", l -> l.queued(backend));
        }

        @Override
        public void dequeued(String backend, long waitNanos) {
            each("dequeued", l -> l.dequeued(backend, waitNanos));
        }

        @Override
        public void tlsHandshake(String listener, boolean success) {
            each("tlsHandshake", l -> l.tlsHandshake(listener, success));
        }

        @Override
        public void acceptFailed(String listener) {
            each("acceptFailed", l -> l.acceptFailed(listener));
        }
    }
}
