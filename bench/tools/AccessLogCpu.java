import com.sun.management.OperatingSystemMXBean;
import dev.tether.core.log.AccessLog;
import dev.tether.core.log.ExchangeRecord;
import dev.tether.core.log.Logging;
import dev.tether.core.log.TerminationState;
import java.lang.management.ManagementFactory;
import java.util.concurrent.locks.LockSupport;

/**
 * Process CPU time (all threads: caller, async worker, GC, writes) per access log line through the shipped
 * logback.xml of a Tether jar. Lines come in bursts of 100 with a 1 ms pause, or with {@code one-by-one} each on its
 * own after a short park (as from an event loop serving one request at a time), so the async queue never fills and
 * nothing is dropped; the same loop with {@code -Dtether.access.log=off} is the baseline.
 *
 * <pre>
 * java -Dtether.access.log=file -Dtether.access.file=/tmp/a.log -cp proxy-core/target/proxy-core-*-all.jar \
 *     bench/tools/AccessLogCpu.java 200000 [one-by-one]
 * </pre>
 */
public class AccessLogCpu {
    public static void main(String[] args) throws Exception {
        int lines = Integer.parseInt(args.length > 0 ? args[0] : "200000");
        boolean oneByOne = args.length > 1 && args[1].equals("one-by-one");
        AccessLog log = new AccessLog();
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (int round = 0; round < 2; round++) { // round 0 warms up the JIT
            long cpu = os.getProcessCpuTime();
            long wall = System.nanoTime();
            for (int i = 0; i < lines; i++) {
                log.exchangeFinished(new ExchangeRecord("main", "127.0.0.1", 40000 + (i & 0xfff),
                        System.currentTimeMillis(), "GET", "/project/" + i + "?x=1", "api", "s" + (i & 1),
                        "STICKY", "VALID", false, 1, 200, 0, 5120, 100_000, -1, 200_000, 1_200_000, 1_500_000,
                        TerminationState.NORMAL, false));
                if (oneByOne) {
                    LockSupport.parkNanos(10_000); // about 60-80 us on Linux: one line per event-loop wake-up
                } else if (i % 100 == 99) {
                    Thread.sleep(1);
                }
            }
            Thread.sleep(300); // let the worker and the periodic flush finish this round
            long used = os.getProcessCpuTime() - cpu;
            System.out.printf("round %d: %d lines, %.2f s wall, %.3f s CPU, %.2f us CPU per line%n", round, lines,
                    (System.nanoTime() - wall) / 1e9, used / 1e9, used / 1e3 / lines);
        }
        Logging.stop();
    }
}
