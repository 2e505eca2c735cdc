package dev.tether.core.frontdoor;

import io.netty.channel.Channel;
import io.netty.util.AsciiString;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Who the client is, and the {@code X-Forwarded-For} value to send to the backend.
 *
 * <p>How {@link #resolve} decides, with {@code trusted} the listener's {@code trusted-proxies}:
 * <pre>
 *   peer = TCP peer
 *   if peer is trusted and the connection carried a PROXY header: peer = PROXY source
 *   if peer is trusted:   forward "incoming X-Forwarded-For, peer"
 *                          client = rightmost hop of that list that is not trusted
 *                                   (nginx real_ip_recursive on); the leftmost hop when all are trusted;
 *                                   the hop right of an unparsable entry when one is met
 *   else:                  forward "peer" (an incoming X-Forwarded-For is dropped: anyone can write one)
 *                          client = peer
 * </pre>
 *
 * @param client the client's address, for logs and for the backend
 * @param forwardedFor the X-Forwarded-For value to send upstream (replaces every incoming one)
 */
public record ClientAddress(InetAddress client, String forwardedFor) {

    public static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");

    /**
     * Resolves the client of one request.
     *
     * @param peer the TCP peer of the client connection
     * @param proxySource the source from the PROXY protocol header, or null when there was none
     * @param incomingForwardedFor every incoming X-Forwarded-For header value, in order (may be empty)
     * @param trusted the listener's trusted proxies
     */
    public static ClientAddress resolve(
            InetAddress peer, InetAddress proxySource, List<String> incomingForwardedFor, CidrSet trusted) {
        InetAddress direct = peer;
        if (proxySource != null && trusted.contains(peer)) {
            direct = proxySource;
        }
        String directText = NetUtil.toAddressString(direct);
        if (!trusted.contains(direct)) {
            return new ClientAddress(direct, directText);
        }
        List<String> hops = splitHops(incomingForwardedFor);
        InetAddress client = direct;
        for (int i = hops.size() - 1; i >= 0; i--) {
            InetAddress hop = parseHop(hops.get(i));
            if (hop == null) {
                break;
            }
            client = hop;
            if (!trusted.contains(hop)) {
                break;
            }
        }
        String forwarded = hops.isEmpty() ? directText : String.join(", ", hops) + ", " + directText;
        return new ClientAddress(client, forwarded);
    }

    /**
     * Resolves from a client channel (its remote address and {@link ProxyProtocolHandler#SOURCE}) and a request's
     * headers.
     */
    public static ClientAddress resolve(Channel channel, HttpHeaders headers, CidrSet trusted) {
        InetSocketAddress source = channel.attr(ProxyProtocolHandler.SOURCE).get();
        return resolve(addressOf(channel.remoteAddress()), source == null ? null : source.getAddress(),
                headers.getAll(X_FORWARDED_FOR), trusted);
    }

    private static InetAddress addressOf(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress();
        }
        // EmbeddedChannel and unix sockets: treat as loopback, which is never a hop anyone else can spoof
        return InetAddress.getLoopbackAddress();
    }

    private static List<String> splitHops(List<String> values) {
        if (values.isEmpty()) {
            return List.of();
        }
        List<String> hops = new ArrayList<>();
        for (String value : values) {
            for (String part : value.split(",")) {
                String hop = part.trim();
                if (!hop.isEmpty()) {
                    hops.add(hop);
                }
            }
        }
        return hops;
    }

    /** Accepts {@code 1.2.3.4}, {@code 1.2.3.4:5678}, {@code 2001:db8::1}, {@code [2001:db8::1]:443}. */
    static InetAddress parseHop(String hop) {
        String text = hop;
        if (text.startsWith("[")) {
            int end = text.indexOf(']');
            if (end < 0) {
                return null;
            }
            text = text.substring(1, end);
        } else if (text.indexOf(':') == text.lastIndexOf(':') && text.indexOf(':') > 0) {
            text = text.substring(0, text.indexOf(':')); // IPv4 with a port
        }
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(text);
        if (bytes == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(bytes); // a literal: no lookup
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
