package dev.tether.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProcStatTest {

    // Real layout (proc(5)): pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
    // utime stime cutime cstime ...
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "4242 (haproxy) S 1 4242 4242 0 -1 4194560 1200 0 0 0 350 125 0 0 20 0 2 0 123 456 789 | 475",
        "77 (nginx: worker process) R 76 76 76 0 -1 4194624 5 0 0 0 1000 1 0 0 20 0 1 0 5 6 7 | 1001",
        "9 (a) b (c)) S 1 9 9 0 -1 0 0 0 0 0 7 8 100 100 20 0 1 0 1 2 3 | 15",
    })
    void sumsUtimeAndStimeCountingFromTheLastParenthesis(String line, long ticks) {
        assertThat(ProcStat.cpuTicks(line)).isEqualTo(ticks);
    }

    @Test
    void cpuSecondsIsTheDeltaOverEveryProcessOfTheSnapshot() {
        String before = """
                10 (nginx) S 1 10 10 0 -1 0 0 0 0 0 5 5 0 0 20 0 1 0 1 2 3
                11 (nginx) S 10 10 10 0 -1 0 0 0 0 0 100 50 0 0 20 0 1 0 1 2 3
                """;
        String after = """
                10 (nginx) S 1 10 10 0 -1 0 0 0 0 0 5 6 0 0 20 0 1 0 1 2 3
                11 (nginx) S 10 10 10 0 -1 0 0 0 0 0 300 99 0 0 20 0 1 0 1 2 3

                """;

        assertThat(ProcStat.cpuSeconds(before, after, 100)).isEqualTo(2.5);
    }

    @Test
    void readsThisJvmsOwnStat() throws IOException {
        Path self = Path.of("/proc/self/stat");
        if (Files.isReadable(self)) {
            assertThat(ProcStat.cpuTicks(Files.readString(self).trim())).isPositive();
        }
    }

    @Test
    void rejectsWhatIsNotAStatLine() {
        assertThatThrownBy(() -> ProcStat.cpuTicks("hello")).hasMessageContaining("no ')'");
        assertThatThrownBy(() -> ProcStat.cpuTicks("1 (x) S 1 2")).hasMessageContaining("too short");
        assertThatThrownBy(() -> ProcStat.cpuSeconds("1 (x) S 1 1 1 0 -1 0 0 0 0 0 9 9",
                "1 (x) S 1 1 1 0 -1 0 0 0 0 0 1 1", 100)).hasMessageContaining("different processes");
    }
}
