package dev.tether.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link RawRequestScanner} reads whole lines with bulk copies; {@link RawRequestScannerReference} is the
 * byte-at-a-time version it replaced. Fed the same request streams, cut into reads at the same places, both must
 * pass on exactly the same messages (the same bytes, the same refusals, at the same points).
 */
class RawRequestScannerEquivalenceTest {

    private static final String[] REQUEST_LINES = {
        "GET / HTTP/1.1", "GET /a/b?c=d HTTP/1.1", "POST /upload HTTP/1.1", "GET  / HTTP/1.1", "GET /\tx HTTP/1.1",
        "GET / http/1.1", "GET / HTTP/1.10", "GET / HTTP/11", "GET /", " GET / HTTP/1.1", "GET / HTTP/1.1 x",
        "GET / HTTP/2.0", "OPTIONS * HTTP/1.0", "G\u00e9T / HTTP/1.1", "GET / HTTP/\u00b9.1",
    };
    private static final String[] HEADERS = {
        "Host: example.com", "Content-Length: 5", "content-length:0", "CONTENT-LENGTH:  12  ", "Content-Length: 5x",
        "Content-Length: ", "Content-Length: 0000000000000000005", "Content-Length: 1234567890123456789",
        "Transfer-Encoding: chunked", "transfer-encoding: gzip, chunked", "Upgrade: WebSocket", "upgrade: h2c",
        " folded", "\tfolded", "X-A: b", "NoColon", ":empty-name", "Conn\u00e9ction: x", "Content-Length\t: 3",
        "X-Long: " + "v".repeat(300), "Cookie: a=b; c=d",
    };
    private static final String[] CHUNK_LINES = {
        "5", "0", "00000000000000005", "1;ext=1", "A", "f", "fffffffff", "000000000000000000001", "x", "", "5 ",
    };

    @Test
    void bothScannersPassOnTheSameMessagesForRandomRequestStreams() {
        Random random = new Random(20261122);
        for (int round = 0; round < 20_000; round++) {
            byte[] input = randomStream(random);
            int reads = 1 + random.nextInt(4);
            int[] cuts = random.ints(reads - 1, 0, input.length + 1).sorted().toArray();
            assertThat(run(new RawRequestScanner(), input, cuts))
                    .as("round %d, cuts %s, input %s", round, Arrays.toString(cuts),
                            new String(input, StandardCharsets.ISO_8859_1))
                    .isEqualTo(run(new RawRequestScannerReference(), input, cuts));
        }
    }

    @Test
    void bothScannersAgreeOnLinesAroundTheLengthLimit() {
        for (int length : new int[] {64 * 1024 - 20, 64 * 1024 - 17, 64 * 1024 - 16, 64 * 1024 - 15, 70_000}) {
            String line = "GET /" + "a".repeat(length) + " HTTP/1.1\r\n";
            byte[] input = (line + "Host: x\r\n\r\nGET  / HTTP/1.1\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
            for (int cut : new int[] {0, 3, 1000, 40_000, 64 * 1024, input.length - 5}) {
                int[] cuts = {Math.min(cut, input.length)};
                assertThat(run(new RawRequestScanner(), input, cuts))
                        .as("length %d cut %d", length, cut)
                        .isEqualTo(run(new RawRequestScannerReference(), input, cuts));
            }
        }
    }

    private static byte[] randomStream(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int messages = 1 + random.nextInt(3);
        for (int m = 0; m < messages; m++) {
            if (random.nextInt(8) == 0) {
                write(out, random.nextBoolean() ? "\r\n" : " \t");
            }
            write(out, pick(random, REQUEST_LINES) + eol(random));
            int headers = random.nextInt(5);
            boolean chunked = false;
            int length = 0;
            for (int h = 0; h < headers; h++) {
                String header = pick(random, HEADERS);
                chunked |= header.toLowerCase().startsWith("transfer-encoding");
                if (header.equals("Content-Length: 5")) {
                    length = 5;
                }
                write(out, header + eol(random));
            }
            write(out, eol(random));
            if (chunked) {
                int chunks = random.nextInt(3);
                for (int c = 0; c < chunks; c++) {
                    String size = pick(random, CHUNK_LINES);
                    write(out, size + eol(random));
                    write(out, "x".repeat(random.nextInt(20)) + (random.nextInt(6) == 0 ? "\n" : "\r\n"));
                }
                write(out, "0\r\n" + (random.nextBoolean() ? "Trailer: x\r\n" : "") + "\r\n");
            } else if (length > 0) {
                write(out, "hello");
            }
            if (random.nextInt(10) == 0) {
                byte[] noise = new byte[random.nextInt(30)];
                random.nextBytes(noise);
                out.writeBytes(noise);
            }
        }
        return out.toByteArray();
    }

    private static String eol(Random random) {
        return random.nextInt(30) == 0 ? "\n" : "\r\n";
    }

    private static String pick(Random random, String[] options) {
        return options[random.nextInt(options.length)];
    }

    private static void write(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** What the scanner passes on: hex of each buffer, or the refusal. */
    private static List<String> run(ChannelHandler scanner, byte[] input, int[] cuts) {
        EmbeddedChannel ch = new EmbeddedChannel(scanner);
        int from = 0;
        for (int k = 0; k <= cuts.length; k++) {
            int to = k < cuts.length ? cuts[k] : input.length;
            ch.writeInbound(Unpooled.copiedBuffer(input, from, to - from));
            from = to;
        }
        List<String> passed = new ArrayList<>();
        Object msg;
        while ((msg = ch.readInbound()) != null) {
            passed.add(msg instanceof ByteBuf buf ? ByteBufUtil.hexDump(buf) : msg.toString());
            ReferenceCountUtil.release(msg);
        }
        ch.finishAndReleaseAll();
        return passed;
    }
}
