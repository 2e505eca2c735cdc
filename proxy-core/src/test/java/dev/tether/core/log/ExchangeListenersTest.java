package dev.tether.core.log;

import static dev.tether.core.log.Exchanges.exchange;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExchangeListenersTest {

    /** Records every event it gets as one string. */
    static final class Recording implements ExchangeListener {
        final List<String> events = new ArrayList<>();

        @Override
        public void exchangeFinished(ExchangeRecord record) {
            events.add("finished " + record.uri());
        }

        @Override
        public void clientConnectionOpened(String listener) {
            events.add("client+ " + listener);
        }

        @Override
        public void clientConnectionClosed(String listener) {
            events.add("client- " + listener);
        }

        @Override
        public void serverConnectionOpened(String serverId) {
            events.add("server+ " + serverId);
        }

        @Override
        public void serverConnectionClosed(String serverId) {
            events.add("server- " + serverId);
        }

        @Override
        public void retried(String serverId, String failureKind, boolean redispatch) {
            events.add("retried " + serverId + " " + failureKind + " " + redispatch);
        }

        @Override
        public void tunnelOpened(String backend) {
            events.add("tunnel+ " + backend);
        }

        @Override
        public void tunnelClosed(String backend, long bytesFromClient, long bytesFromServer) {
            events.add("tunnel- " + backend + " " + bytesFromClient + " " + bytesFromServer);
        }

        @Override
        public void queued(String backend) {
            events.add("queued " + backend);
        }

        @Override
        public void dequeued(String backend, long waitNanos) {
            events.add("dequeued " + backend + " " + waitNanos);
        }

        @Override
        public void tlsHandshake(String listener, boolean success) {
            events.add("tls " + listener + " " + success);
        }

        @Override
        public void acceptFailed(String listener) {
            events.add("accept! " + listener);
        }
    }

    private static void sendEveryEvent(ExchangeListener l) {
        l.exchangeFinished(exchange().uri("/x").build());
        l.clientConnectionOpened("main");
        l.clientConnectionClosed("main");
        l.serverConnectionOpened("api/s1");
        l.serverConnectionClosed("api/s1");
        l.retried("api/s1", "CONNECT_REFUSED", true);
        l.tunnelOpened("web");
        l.tunnelClosed("web", 1, 2);
        l.queued("api");
        l.dequeued("api", 7);
        l.tlsHandshake("main", false);
        l.acceptFailed("main");
    }

    @Test
    void passesEveryEventToEachListenerInOrder() {
        Recording a = new Recording();
        Recording b = new Recording();

        sendEveryEvent(ExchangeListeners.of(a, b));

        assertThat(a.events).containsExactly("finished /x", "client+ main", "client- main", "server+ api/s1",
                "server- api/s1", "retried api/s1 CONNECT_REFUSED true", "tunnel+ web", "tunnel- web 1 2", "queued api",
                "dequeued api 7", "tls main false", "accept! main");
        assertThat(b.events).isEqualTo(a.events);
    }

    @Test
    void aThrowingListenerDoesNotStopTheOthers() {
        ExchangeListener broken = new ExchangeListener() {
            @Override
            public void exchangeFinished(ExchangeRecord record) {
                throw new IllegalStateException("broken on purpose");
            }

            @Override
            public void tunnelOpened(String backend) {
                throw new IllegalStateException("broken on purpose");
            }
        };
        Recording after = new Recording();

        ExchangeListener composite = ExchangeListeners.of(broken, after);
        composite.exchangeFinished(exchange().uri("/y").build());
        composite.tunnelOpened("web");

        assertThat(after.events).containsExactly("finished /y", "tunnel+ web");
    }

    @Test
    void zeroOrOneListenerNeedsNoComposite() {
        Recording a = new Recording();

        assertThat(ExchangeListeners.of()).isSameAs(ExchangeListener.NONE);
        assertThat(ExchangeListeners.of(a)).isSameAs(a);
        assertThat(ExchangeListeners.of(ExchangeListener.NONE, a, ExchangeListener.NONE)).isSameAs(a);
        assertThat(ExchangeListeners.of(ExchangeListener.NONE)).isSameAs(ExchangeListener.NONE);
    }

    /** A method added to ExchangeListener must be forwarded too, or the composite silently drops it. */
    @Test
    void theCompositeForwardsEveryListenerMethod() throws Exception {
        Class<?> composite = ExchangeListeners.of(new Recording(), new Recording()).getClass();
        for (Method m : ExchangeListener.class.getDeclaredMethods()) {
            if (Modifier.isStatic(m.getModifiers()) || m.isSynthetic()) {
                continue;
            }
            assertThat(composite.getDeclaredMethod(m.getName(), m.getParameterTypes()))
                    .as("composite overrides %s", m.getName())
                    .isNotNull();
        }
    }
}
