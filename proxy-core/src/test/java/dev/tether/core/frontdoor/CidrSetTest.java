package dev.tether.core.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CidrSetTest {

    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource({
        "10.0.0.0/8,       10.255.3.4,        true",
        "10.0.0.0/8,       11.0.0.1,          false",
        "10.0.0.0/8,       ::ffff:10.1.2.3,   true",
        "192.168.1.10,     192.168.1.10,      true",
        "192.168.1.10,     192.168.1.11,      false",
        "172.16.0.0/12,    172.31.255.255,    true",
        "172.16.0.0/12,    172.32.0.0,        false",
        "0.0.0.0/0,        203.0.113.9,       true",
        "0.0.0.0/0,        2001:db8::1,       false",
        "::1/128,          ::1,               true",
        "::1,              127.0.0.1,         false",
        "fd00::/8,         fd12:3456::1,      true",
        "fd00::/8,         fe80::1,           false",
        "2001:db8::/33,    2001:db8:7fff::1,  true",
        "2001:db8::/33,    2001:db8:8000::1,  false",
        "[2001:db8::1],    2001:db8::1,       true",
        "::/0,             2001:db8::1,       true",
    })
    void contains(String cidr, String address, boolean expected) throws Exception {
        assertThat(CidrSet.of(cidr).contains(InetAddress.getByName(address))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', value = {
        "example.com  | is not an IP address or network",
        "10.0.0.0/33  | prefix length /33 (expected 0..32 for an IPv4 network)",
        "::/129       | prefix length /129 (expected 0..128 for an IPv6 network)",
        "10.0.0.0/x   | prefix length /x",
        "10.0.0.1/8   | has bits set after the /8 prefix (did you mean \"10.0.0.0/8\"?)",
        "''           | is not an IP address or network",
        "300.1.1.1    | is not an IP address or network",
    })
    void rejects(String entry, String message) {
        assertThatThrownBy(() -> CidrSet.of(entry)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
        assertThat(CidrSet.check(entry)).contains(message);
    }

    @org.junit.jupiter.api.Test
    void listsEveryBadEntry() {
        assertThatThrownBy(() -> CidrSet.parse(List.of("10.0.0.0/8", "bad", "1.2.3.4/40")))
                .hasMessageContaining("\"bad\"").hasMessageContaining("\"1.2.3.4/40\"");
        assertThat(CidrSet.parse(List.of()).isEmpty()).isTrue();
        assertThat(CidrSet.empty().contains(InetAddress.getLoopbackAddress())).isFalse();
        assertThat(CidrSet.of("10.0.0.0/8", "::1").entries()).containsExactly("10.0.0.0/8", "::1");
    }
}
