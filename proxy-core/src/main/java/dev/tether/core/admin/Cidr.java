package dev.tether.core.admin;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An address block such as {@code 10.0.0.0/8} or {@code ::1/128}; a bare address is a block of one.
 *
 * <p>Only literal addresses are accepted, so parsing never does DNS. An IPv4 block does not match IPv6 peers and
 * the other way round, except that an IPv4-mapped IPv6 peer ({@code ::ffff:127.0.0.1}) is compared as IPv4.
 */
public final class Cidr {

    private final byte[] network;
    private final int prefixLength;
    private final String text;

    private Cidr(byte[] network, int prefixLength, String text) {
        this.network = network;
        this.prefixLength = prefixLength;
        this.text = text;
    }

    /**
     * Parses {@code address[/prefix]}.
     *
     * @throws IllegalArgumentException naming the value and what is accepted
     */
    public static Cidr parse(String text) {
        String value = text == null ? "" : text.strip();
        int slash = value.indexOf('/');
        String address = slash < 0 ? value : value.substring(0, slash);
        if (!isLiteral(address)) {
            throw new IllegalArgumentException("allowed-cidrs: '" + text
                    + "' is not an address block (expected a literal IP with an optional /prefix, like 10.0.0.0/8)");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("allowed-cidrs: '" + text + "' is not an IP address", e);
        }
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(value.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("allowed-cidrs: '" + text + "' has prefix length "
                        + value.substring(slash + 1) + " (expected 0.." + max + ")");
            }
        }
        return new Cidr(mask(bytes, prefix), prefix, value);
    }

    /** Whether {@code address} lies in this block. */
    public boolean contains(InetAddress address) {
        byte[] bytes = unmapped(address.getAddress());
        if (bytes.length != network.length) {
            return false;
        }
        return java.util.Arrays.equals(mask(bytes, prefixLength), network);
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefixLength == prefixLength && java.util.Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(network) * 31 + prefixLength;
    }

    private static boolean isLiteral(String address) {
        if (address.isEmpty()) {
            return false;
        }
        if (address.indexOf(':') >= 0) {
            return address.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
        }
        return address.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.') && address.split("\\.").length == 4;
    }

    private static byte[] unmapped(byte[] bytes) {
        if (bytes.length == 16) {
            for (int i = 0; i < 10; i++) {
                if (bytes[i] != 0) {
                    return bytes;
                }
            }
            if (bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff) {
                return java.util.Arrays.copyOfRange(bytes, 12, 16);
            }
        }
        return bytes;
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] result = bytes.clone();
        for (int i = 0; i < result.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            result[i] = (byte) (result[i] & (0xff << (8 - bits)));
        }
        return result;
    }
}
