package dev.tether.core.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs the black-box VTest suite ({@code vtest/run.sh}) against the jar this build just packaged. Skipped, with the
 * reason, where varnishtest is not installed, so the default test command passes without it.
 */
class VTestSuiteIT {

    @Test
    void vtestSuitePasses() throws Exception {
        assumeTrue(onPath("varnishtest"), "varnishtest is not installed (apt-get install -y varnish): VTest skipped");
        // test-classes sits in the build directory, which sits in the module, which sits in the project root.
        Path buildDir = Path.of(VTestSuiteIT.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .getParent();
        Path root = buildDir.getParent().getParent();
        Optional<Path> jar;
        try (Stream<Path> files = Files.list(buildDir)) {
            jar = files.filter(p -> p.getFileName().toString().matches("proxy-core-.*-all\\.jar")).findFirst();
        }
        assumeTrue(jar.isPresent(), "no proxy-core-*-all.jar in " + buildDir + ": VTest skipped");

        Process p = new ProcessBuilder("bash", root.resolve("vtest/run.sh").toString(), jar.get().toString())
                .redirectErrorStream(true)
                .start();
        boolean done = p.waitFor(3, TimeUnit.MINUTES);
        if (!done) {
            p.destroyForcibly();
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(done).as("vtest/run.sh finished within 3 minutes:\n" + output).isTrue();
        assertThat(p.exitValue()).as("vtest/run.sh exit status:\n" + output).isZero();
        assertThat(output).contains("vtest: passed").doesNotContain("FAILED");
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
