package dev.tether.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** strace -c output captured from Tether under wrk (keepalive-small, 11 283 requests). */
class StraceSummaryTest {

    @Test
    void parsesCallsPerSyscallWithAndWithoutAnErrorsColumn() throws IOException {
        Map<String, Long> calls = StraceSummary.parse(resource("/strace-tether.txt"));

        assertThat(calls).containsEntry("recvfrom", 22_628L).containsEntry("writev", 11_353L)
                .containsEntry("sendto", 11_274L).containsEntry("futex", 509L).containsEntry("connect", 64L)
                .doesNotContainKey("total").hasSize(28);
        assertThat(calls.keySet()).startsWith("recvfrom", "writev", "sendto", "gettid");
    }

    @Test
    void rendersPerRequestFiguresMostFrequentFirst() throws IOException {
        String table = StraceSummary.render(List.of(new StraceSummary.Run("keepalive-small", Contestant.TETHER,
                11_283, StraceSummary.parse(resource("/strace-tether.txt")))));

        assertThat(table.lines().toList().get(2)).startsWith("| keepalive-small | tether | 11283 | 4.64 |"
                + " recvfrom 2.01, writev 1.01, sendto 1.00, gettid 0.37, ");
    }

    @Test
    void reportAppendsTheSyscallTableWhenStraceRunsExist(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("syscalls"));
        Files.writeString(dir.resolve("syscalls/keepalive-small.tether.strace"), resource("/strace-tether.txt"));
        Files.writeString(dir.resolve("syscalls/keepalive-small.tether.out"), "BENCH requests=11283"
                + " duration_us=2021622 errors_connect=0 p50_us=9614 p99_us=73782 p999_us=119782");

        String report = Main.report(dir, 100, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8));

        assertThat(report).contains("System calls per request").contains("| keepalive-small | tether | 11283 | 4.64 |");
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = StraceSummaryTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
