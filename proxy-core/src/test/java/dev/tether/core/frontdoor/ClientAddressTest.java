package dev.tether.core.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.testing.LeakCheck;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@ExtendWith(LeakCheck.class)
class ClientAddressTest {

    private static final CidrSet TRUSTED = CidrSet.of("10.0.0.0/8", "::1");

    /** peer | PROXY source ('-' none) | incoming X-Forwarded-For ('-' none, ';' separates headers) | client | sent. */
    @ParameterizedTest(name = "{0} proxy={1} xff={2}")
    @CsvSource(delimiter = '|', value = {
        // untrusted peer: any incoming X-Forwarded-For is a lie
        "203.0.113.7 | -           | -                          | 203.0.113.7  | 203.0.113.7",
        "203.0.113.7 | -           | 1.1.1.1                    | 203.0.113.7  | 203.0.113.7",
        "203.0.113.7 | 198.51.100.1 | 1.1.1.1                   | 203.0.113.7  | 203.0.113.7",
        // trusted peer: rightmost untrusted hop, list kept and peer appended
        "10.0.0.2    | -           | 198.51.100.9               | 198.51.100.9 | 198.51.100.9, 10.0.0.2",
        "10.0.0.2    | -           | 6.6.6.6, 198.51.100.9      | 198.51.100.9 | 6.6.6.6, 198.51.100.9, 10.0.0.2",
        "10.0.0.2    | -           | 198.51.100.9, 10.0.0.3     | 198.51.100.9 | 198.51.100.9, 10.0.0.3, 10.0.0.2",
        "10.0.0.2    | -           | 6.6.6.6;198.51.100.9       | 198.51.100.9 | 6.6.6.6, 198.51.100.9, 10.0.0.2",
        "10.0.0.2    | -           | 10.0.0.5, 10.0.0.4         | 10.0.0.5     | 10.0.0.5, 10.0.0.4, 10.0.0.2",
        "10.0.0.2    | -           | -                          | 10.0.0.2     | 10.0.0.2",
        "10.0.0.2    | -           | 198.51.100.9:4711          | 198.51.100.9 | 198.51.100.9:4711, 10.0.0.2",
        "10.0.0.2    | -           | [2001:db8::7]:443          | 2001:db8::7  | [2001:db8::7]:443, 10.0.0.2",
        "10.0.0.2    | -           | 2001:db8::7                | 2001:db8::7  | 2001:db8::7, 10.0.0.2",
        // an unparsable hop stops the walk at the last trusted one
        "10.0.0.2    | -           | 6.6.6.6, unknown, 10.0.0.3 | 10.0.0.3     | 6.6.6.6, unknown, 10.0.0.3, 10.0.0.2",
        "::1         | -           | 198.51.100.9               | 198.51.100.9 | 198.51.100.9, ::1",
        // PROXY header from a trusted balancer: its source is the peer
        "10.0.0.2    | 198.51.100.1 | -                         | 198.51.100.1 | 198.51.100.1",
        "10.0.0.2    | 198.51.100.1 | 6.6.6.6                   | 198.51.100.1 | 198.51.100.1",
        "10.0.0.2    | 10.0.0.9    | 198.51.100.9               | 198.51.100.9 | 198.51.100.9, 10.0.0.9",
    })
    void resolve(String peer, String proxy, String xff, String client, String forwarded) throws Exception {
        List<String> incoming = xff.equals("-") ? List.of() : Arrays.asList(xff.split(";"));
        ClientAddress resolved = ClientAddress.resolve(InetAddress.getByName(peer),
                proxy.equals("-") ? null : InetAddress.getByName(proxy), incoming, TRUSTED);
        assertThat(resolved.client()).isEqualTo(InetAddress.getByName(client));
        assertThat(resolved.forwardedFor()).isEqualTo(forwarded);
    }

    @Test
    void fromChannelUsesProxyProtocolAttribute() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.attr(ProxyProtocolHandler.SOURCE).set(new InetSocketAddress(InetAddress.getByName("198.51.100.1"), 5));
        HttpHeaders headers = new DefaultHttpHeaders().add("X-Forwarded-For", "6.6.6.6");
        // EmbeddedChannel has no IP peer: ClientAddress treats it as 127.0.0.1
        ClientAddress untrusted = ClientAddress.resolve(channel, headers, CidrSet.of("10.0.0.0/8"));
        assertThat(untrusted.forwardedFor()).isEqualTo("127.0.0.1");
        ClientAddress trusted = ClientAddress.resolve(channel, headers, CidrSet.of("127.0.0.0/8"));
        assertThat(trusted.client()).isEqualTo(InetAddress.getByName("198.51.100.1"));
        assertThat(trusted.forwardedFor()).isEqualTo("198.51.100.1");
        channel.finishAndReleaseAll();
    }
}
