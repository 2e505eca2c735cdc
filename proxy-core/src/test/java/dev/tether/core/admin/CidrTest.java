package dev.tether.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

    @ParameterizedTest
    @CsvSource({
        "127.0.0.0/8, 127.0.0.1, true",
        "127.0.0.0/8, 128.0.0.1, false",
        "10.1.2.0/24, 10.1.2.255, true",
        "10.1.2.0/24, 10.1.3.0, false",
        "10.1.2.3, 10.1.2.3, true",
        "10.1.2.3, 10.1.2.4, false",
        "10.1.2.3/32, 10.1.2.3, true",
        "0.0.0.0/0, 192.168.1.1, true",
        "0.0.0.0/0, ::1, false",
        "192.168.0.0/23, 192.168.1.7, true",
        "192.168.0.0/23, 192.168.2.7, false",
        "172.16.0.0/12, 172.31.255.255, true",
        "172.16.0.0/12, 172.32.0.0, false",
        "::1/128, ::1, true",
        "::1, ::2, false",
        "fd00::/8, fd12:3456::1, true",
        "fd00::/8, fe80::1, false",
        "127.0.0.0/8, ::ffff:127.0.0.1, true",
        "10.9.9.9/8, 10.0.0.1, true"
    })
    void containsAddressesInsideTheBlock(String cidr, String address, boolean expected) throws Exception {
        assertThat(Cidr.parse(cidr).contains(InetAddress.getByName(address))).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost", "10.0.0.0/33", "::1/129", "10.0.0.0/-1", "10.0.0.0/x", "10.0.0/8",
        "example.com/8"})
    void refusesWhatIsNotALiteralBlock(String text) {
        assertThatThrownBy(() -> Cidr.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("allowed-cidrs");
    }
}
