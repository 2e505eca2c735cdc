package dev.tether.core.hardening;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link RequestPipelineProperty} in the default test run: on the fuzzer's seed inputs, then on seeded random
 * splices of request fragments (a cheap stand-in for {@link RequestValidatorFuzzer}, a second or two).
 */
class RequestPipelinePropertyTest {

    private static final Path SEEDS = Path.of("src/test/resources/dev/tether/core/hardening/"
            + "RequestValidatorFuzzerInputs/nothingInvalidPassesTheValidator");

    private static final List<String> FRAGMENTS = List.of(
            "GET ", "POST ", "OPTIONS ", "CONNECT ", "G(T ", "/", "/a/../b", "//x", "/%61", "/%zz", "*", "#", " ",
            "  ", "\t", "http://h.test:81/p", "http://u@h/", "ftp://h/", " HTTP/1.1", " HTTP/1.0", " HTTP/2.0",
            " http/1.1", " HTTP/1.2", "\r\n", "\n", "\r", "\0", "Host: t", "Host: a b", "Host: [::1]:80",
            "Content-Length: 5", "Content-Length: 0", "Content-Length: 5, 5", "Content-Length: -1",
            "Transfer-Encoding: chunked", "Transfer-Encoding: gzip, chunked", "Transfer-Encoding: ,chunked",
            "Transfer-Encoding : chunked", "X_Forwarded_For: 6.6.6.6", "Connection: close, Host", "Upgrade: h2c",
            "Upgrade: websocket", " folded", "\tfolded", "X-A: a", "5\r\nabcde\r\n", "0\r\n\r\n",
            "00000000000000002\r\nab\r\n", "0x2\r\n", "2;a\nb\r\n", "abcde", "\u00e9");

    static Stream<Path> seeds() throws IOException {
        try (Stream<Path> files = Files.list(SEEDS)) {
            return files.sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("seeds")
    void seedInputs(Path seed) throws IOException {
        byte[] bytes = Files.readAllBytes(seed);
        for (int split : new int[] {0, 1, bytes.length / 3, bytes.length / 2, bytes.length}) {
            RequestPipelineProperty.check(bytes, split);
        }
    }

    @Test
    void randomSplicesOfRequestFragments() {
        Random random = new Random(9);
        for (int i = 0; i < 500; i++) {
            StringBuilder b = new StringBuilder();
            int n = 3 + random.nextInt(25);
            for (int j = 0; j < n; j++) {
                b.append(FRAGMENTS.get(random.nextInt(FRAGMENTS.size())));
            }
            byte[] bytes = b.toString().getBytes(StandardCharsets.ISO_8859_1);
            RequestPipelineProperty.check(bytes, random.nextInt(bytes.length + 1));
        }
    }
}
