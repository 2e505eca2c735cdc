package dev.tether.core.backend;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tether.routing.Reason;
import dev.tether.routing.RequestView;
import dev.tether.routing.RouteDecision;
import dev.tether.routing.RoutingTable;
import dev.tether.routing.sticky.StickyCookies;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many sticky sessions are still pinned to each server: the distinct sessions whose cookie brought a request to
 * it within its backend's {@code drain-idle-timeout}. On a server in drain this is the number an operator waits to
 * see reach 0 (a session idle for longer moves on its next request, so it no longer holds the server).
 *
 * <p>A session is its cookie's first-seen date mixed with the client address, so two sessions that started in the
 * same second from the same address count once; the count is close, not exact. Each server keeps a Caffeine table
 * that forgets a session after the window without a request, bounded at {@value #MAX_SESSIONS} sessions per server
 * (the count then stops growing). Only backends with {@code drain-idle-timeout} and insert-mode cookies are counted:
 * without the window there is no end to a pin, and without dates no way to tell sessions apart. Counted for every
 * server, not only draining ones, so the figure is already right when a drain starts. This instance's traffic only:
 * behind several Tether instances, add their counts up (a session that switched instances counts twice).
 */
public final class PinnedSessions {

    static final int MAX_SESSIONS = 100_000;

    private final ConcurrentHashMap<String, Window> byServer = new ConcurrentHashMap<>();

    private record Window(long seconds, Cache<Long, Boolean> sessions) {}

    /** Notes the session of a request the router sent to its server by cookie. Cheap when the backend counts none. */
    public void record(RouteDecision.Forward decision, RequestView request, RoutingTable table) {
        if (decision.reason() != Reason.STICKY_COOKIE) {
            return;
        }
        StickyCookies cookies = table.cookies(decision.server().backend());
        long seconds = cookies == null ? 0 : cookies.drainIdleSeconds();
        if (seconds <= 0) {
            return;
        }
        long read = cookies.read(request.cookie(cookies.config().name()), System.currentTimeMillis());
        String client = request.clientAddress();
        long session = StickyCookies.firstSeen(read) * 31 + (client == null ? 0 : client.hashCode());
        window(decision.server().id(), seconds).sessions().put(session, Boolean.TRUE);
    }

    private Window window(String serverId, long seconds) {
        Window w = byServer.get(serverId);
        if (w == null || w.seconds() != seconds) {
            // New, or the window changed with a reload: start counting again.
            w = byServer.compute(serverId, (id, old) -> old != null && old.seconds() == seconds ? old
                    : new Window(seconds, Caffeine.newBuilder().expireAfterAccess(Duration.ofSeconds(seconds))
                            .maximumSize(MAX_SESSIONS).build()));
        }
        return w;
    }

    /** Sessions seen on the server within its backend's window; 0 when none or when the backend counts none. */
    public int count(String serverId) {
        Window w = byServer.get(serverId);
        if (w == null) {
            return 0;
        }
        w.sessions().cleanUp();
        return (int) w.sessions().estimatedSize();
    }
}
