package dev.tether.core.frontdoor;

import dev.tether.core.tls.TlsConfig;
import java.net.InetAddress;
import java.util.Objects;

/**
 * What a listener does at the door, before routing: TLS termination, the http-to-https redirect, response header
 * rules, which peers are trusted proxies, and whether connections start with a PROXY protocol header.
 *
 * @param tls TLS termination, or null for plain HTTP
 * @param redirectStatus 301, 302, 303, 307 or 308 to answer every request with a redirect to https; 0 = off
 * @param redirectPort the https port written into redirect URLs (left out when 443)
 * @param responseHeaders headers added to or set on every response, and {@code X-Served-By}
 * @param trustedProxies peers whose X-Forwarded-For (and PROXY header) are believed
 * @param proxyProtocol every connection starts with a PROXY protocol v1 or v2 header
 */
public record FrontDoorConfig(
        TlsConfig tls,
        int redirectStatus,
        int redirectPort,
        ResponseHeaderRules responseHeaders,
        CidrSet trustedProxies,
        boolean proxyProtocol) {

    private static final FrontDoorConfig PLAIN =
            new FrontDoorConfig(null, 0, 443, ResponseHeaderRules.none(), CidrSet.empty(), false);

    public FrontDoorConfig {
        Objects.requireNonNull(responseHeaders, "responseHeaders");
        Objects.requireNonNull(trustedProxies, "trustedProxies");
        if (redirectStatus != 0 && !HttpsRedirectHandler.STATUSES.contains(redirectStatus)) {
            throw new IllegalArgumentException("redirect-https = " + redirectStatus
                    + " (expected off, 301, 302, 303, 307 or 308)");
        }
        if (redirectPort < 1 || redirectPort > 65535) {
            throw new IllegalArgumentException("redirect-https-port = " + redirectPort + " (expected 1..65535)");
        }
        if (redirectStatus != 0 && tls != null) {
            throw new IllegalArgumentException("redirect-https on a listener with tls would redirect https to "
                    + "itself forever (expected redirect-https on the plain-http listener only)");
        }
        if (proxyProtocol && trustedProxies.isEmpty()) {
            throw new IllegalArgumentException("proxy-protocol = on needs trusted-proxies (expected the addresses "
                    + "of the load balancers that send the PROXY header, e.g. trusted-proxies = [\"10.0.0.0/8\"])");
        }
    }

    /** Plain HTTP, nothing trusted, no rules: what a listener without front-door keys gets. */
    public static FrontDoorConfig plain() {
        return PLAIN;
    }

    public boolean isTls() {
        return tls != null;
    }

    public boolean redirectsToHttps() {
        return redirectStatus != 0;
    }

    public boolean servedByHeader() {
        return responseHeaders.servedBy();
    }

    /** A redirect handler for this listener; only when {@link #redirectsToHttps()}. */
    public HttpsRedirectHandler newRedirectHandler() {
        return new HttpsRedirectHandler(redirectStatus, redirectPort);
    }

    /**
     * The {@code X-Forwarded-Proto} to send upstream: {@code https} on a TLS listener; on a plain one, a trusted
     * proxy's own {@code http}/{@code https} is kept (it terminated TLS in front of us); otherwise {@code http}.
     *
     * @param peer the TCP peer of the client connection
     * @param incoming the request's X-Forwarded-Proto, or null
     */
    public String forwardedProto(InetAddress peer, String incoming) {
        if (tls != null) {
            return "https";
        }
        if (incoming != null && trustedProxies.contains(peer)) {
            String value = incoming.trim();
            if (value.equalsIgnoreCase("https")) {
                return "https";
            }
        }
        return "http";
    }
}
