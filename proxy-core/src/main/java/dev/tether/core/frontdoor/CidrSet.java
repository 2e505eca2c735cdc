package dev.tether.core.frontdoor;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A set of IPv4 and IPv6 networks ({@code 10.0.0.0/8}, {@code ::1/128}, or single addresses), used for the
 * listener's {@code trusted-proxies}.
 *
 * <p>Parsing accepts address literals only and never resolves names, so it cannot block. {@link #contains} is a
 * linear scan over the networks: trusted-proxy lists have a handful of entries, and each test is a few byte
 * comparisons. An IPv4-mapped IPv6 address ({@code ::ffff:10.1.2.3}) is treated as its IPv4 address, so a
 * dual-stack listener matches IPv4 networks as expected.
 */
public final class CidrSet {

    private static final CidrSet EMPTY = new CidrSet(List.of(), List.of());

    private final List<String> sources;
    private final Network[] networks;

    private CidrSet(List<String> sources, List<Network> networks) {
        this.sources = List.copyOf(sources);
        this.networks = networks.toArray(new Network[0]);
    }

    public static CidrSet empty() {
        return EMPTY;
    }

    /**
     * Parses every entry, or throws with one line per bad entry.
     *
     * @throws IllegalArgumentException naming each bad entry and what is accepted
     */
    public static CidrSet parse(List<String> entries) {
        List<Network> parsed = new ArrayList<>(entries.size());
        List<String> problems = new ArrayList<>();
        for (String entry : entries) {
            try {
                parsed.add(Network.parse(entry));
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return parsed.isEmpty() ? EMPTY : new CidrSet(entries, parsed);
    }

    /** Parses the entries; the message of the exception says what is wrong and what is accepted. */
    public static CidrSet of(String... entries) {
        return parse(Arrays.asList(entries));
    }

    /**
     * Checks one entry without building a set, for configuration binding.
     *
     * @return null when valid, else a message saying what is wrong
     */
    public static String check(String entry) {
        try {
            Network.parse(entry);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    public boolean isEmpty() {
        return networks.length == 0;
    }

    public boolean contains(InetAddress address) {
        if (address == null || networks.length == 0) {
            return false;
        }
        byte[] bytes = normalise(address.getAddress());
        for (Network network : networks) {
            if (network.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    /** The entries as written in the configuration. */
    public List<String> entries() {
        return sources;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CidrSet other && sources.equals(other.sources);
    }

    @Override
    public int hashCode() {
        return sources.hashCode();
    }

    @Override
    public String toString() {
        return sources.toString();
    }

    /** IPv4-mapped IPv6 (::ffff:a.b.c.d) becomes the 4-byte IPv4 form. */
    private static byte[] normalise(byte[] bytes) {
        if (bytes.length != 16) {
            return bytes;
        }
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return bytes;
            }
        }
        if ((bytes[10] & 0xff) != 0xff || (bytes[11] & 0xff) != 0xff) {
            return bytes;
        }
        return Arrays.copyOfRange(bytes, 12, 16);
    }

    private record Network(byte[] prefix, int bits) {

        static Network parse(String entry) {
            String text = entry == null ? "" : entry.trim();
            int slash = text.indexOf('/');
            String addressText = slash < 0 ? text : text.substring(0, slash);
            if (addressText.startsWith("[") && addressText.endsWith("]")) {
                addressText = addressText.substring(1, addressText.length() - 1);
            }
            byte[] address = NetUtil.createByteArrayFromIpAddressString(addressText);
            if (address == null) {
                throw new IllegalArgumentException("\"" + entry + "\" is not an IP address or network (expected "
                        + "an address literal like \"10.1.2.3\" or \"::1\", or a network like \"10.0.0.0/8\" or "
                        + "\"fd00::/8\"; host names are not accepted)");
            }
            address = normalise(address);
            int max = address.length * 8;
            int bits = max;
            if (slash >= 0) {
                String bitsText = text.substring(slash + 1);
                try {
                    bits = Integer.parseInt(bitsText);
                } catch (NumberFormatException e) {
                    bits = -1;
                }
                if (bits < 0 || bits > max) {
                    throw new IllegalArgumentException("\"" + entry + "\": prefix length /" + bitsText
                            + " (expected 0.." + max + " for an IPv" + (max == 32 ? 4 : 6) + " network)");
                }
            }
            byte[] masked = mask(address, bits);
            if (!Arrays.equals(masked, address)) {
                throw new IllegalArgumentException("\"" + entry + "\" has bits set after the /" + bits
                        + " prefix (did you mean \"" + NetUtil.bytesToIpAddress(masked) + "/" + bits + "\"?)");
            }
            return new Network(masked, bits);
        }

        private static byte[] mask(byte[] address, int bits) {
            byte[] masked = address.clone();
            for (int i = 0; i < masked.length; i++) {
                int keep = Math.max(0, Math.min(8, bits - i * 8));
                masked[i] &= (byte) (0xff << (8 - keep));
            }
            return masked;
        }

        boolean contains(byte[] address) {
            if (address.length != prefix.length) {
                return false;
            }
            int whole = bits / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != prefix[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int m = (0xff << (8 - rest)) & 0xff;
            return (address[whole] & m) == (prefix[whole] & m);
        }
    }
}
