package dev.tether.core.backend;

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
 * {@link ResponseChunkScanner} reads whole lines with bulk copies; {@link ResponseChunkScannerReference} is the
 * byte-at-a-time version it replaced. Fed the same response streams, cut into reads at the same places, both must
 * pass on exactly the same messages (the same bytes, the same refusals, at the same points).
 */
class ResponseChunkScannerEquivalenceTest {

    private static final String[] STATUS_LINES = {
        "HTTP/1.1 200 OK", "HTTP/1.1 200", "HTTP/1.1 204 No Content", "HTTP/1.1 304 Not Modified",
        "HTTP/1.1 100 Continue", "HTTP/1.1 101 Switching Protocols", "HTTP/1.0 200 OK", "HTTP/1.1 20 OK",
        "HTTP/1.1 2000 OK", "http/1.1 200 OK", "HTTP/1.1  200 OK", "HTTP/1.1 500 Oops", "HTTP/1.1 2x0 OK", "junk",
    };
    private static final String[] HEADERS = {
        "Content-Length: 5", "content-length:0", "CONTENT-LENGTH:  12  ", "Content-Length: 5x", "Content-Length: ",
        "Content-Length : 5", " Content-Length: 5", "Content-Length: 1234567890123456789",
        "Transfer-Encoding: chunked", "transfer-encoding: CHUNKED", "Transfer-Encoding: gzip, chunked",
        "Transfer-Encoding: gzip,chunked", "Transfer-Encoding: gzip", "Transfer-Encoding: chunked, gzip",
        "Transfer-Encoding\t: chunked", "X-Backend-Id: s1", "Server: nginx", "NoColon", ":empty", "Tr\u00e4nsfer: x",
        "X-Long: " + "v".repeat(300),
    };
    private static final String[] CHUNK_LINES = {
        "5", "0", "00000000000000005", "5;ext=1", "5 ;x", "5\t", "5x", " 5", "A", "f", "7fffffff", "80000000",
        "ffffffffffffffff", "8000000000000000", "000000000000000000001", "x", "",
    };

    @Test
    void bothScannersPassOnTheSameMessagesForRandomResponseStreams() {
        Random random = new Random(20261122);
        for (int round = 0; round < 20_000; round++) {
            byte[] input = randomStream(random);
            boolean bodyless = random.nextInt(5) == 0;
            int reads = 1 + random.nextInt(4);
            int[] cuts = random.ints(reads - 1, 0, input.length + 1).sorted().toArray();
            ResponseChunkScanner fast = new ResponseChunkScanner();
            fast.expectBodyless(bodyless);
            ResponseChunkScannerReference reference = new ResponseChunkScannerReference();
            reference.expectBodyless(bodyless);
            assertThat(run(fast, input, cuts))
                    .as("round %d, bodyless %s, cuts %s, input %s", round, bodyless, Arrays.toString(cuts),
                            new String(input, StandardCharsets.ISO_8859_1))
                    .isEqualTo(run(reference, input, cuts));
        }
    }

    @Test
    void bothScannersAgreeOnLinesAroundTheLengthLimit() {
        for (int length : new int[] {64 * 1024 - 20, 64 * 1024 - 17, 64 * 1024 - 16, 64 * 1024 - 15, 70_000}) {
            String head = "HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(length) + "\r\nTransfer-Encoding: chunked\r\n\r\n";
            byte[] input = (head + "5\r\nhello\r\nzz\r\n").getBytes(StandardCharsets.ISO_8859_1);
            for (int cut : new int[] {0, 3, 1000, 40_000, 64 * 1024, input.length - 5}) {
                int[] cuts = {Math.min(cut, input.length)};
                assertThat(run(new ResponseChunkScanner(), input, cuts))
                        .as("length %d cut %d", length, cut)
                        .isEqualTo(run(new ResponseChunkScannerReference(), input, cuts));
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
            write(out, pick(random, STATUS_LINES) + eol(random));
            int headers = random.nextInt(5);
            boolean chunked = false;
            int length = 0;
            for (int h = 0; h < headers; h++) {
                String header = pick(random, HEADERS);
                chunked |= header.toLowerCase().contains("chunked");
                if (header.equals("Content-Length: 5")) {
                    length = 5;
                }
                write(out, header + eol(random));
            }
            write(out, eol(random));
            if (chunked) {
                int chunks = random.nextInt(3);
                for (int c = 0; c < chunks; c++) {
                    write(out, pick(random, CHUNK_LINES) + eol(random));
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
