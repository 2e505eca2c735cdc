package dev.tether.core;

import dev.tether.core.config.ConfigLoader;
import dev.tether.core.config.ConfigCheck;
import dev.tether.core.config.InvalidConfigException;
import dev.tether.core.config.ProxyConfig;
import dev.tether.core.demo.DemoServer;
import dev.tether.core.log.Logging;
import dev.tether.core.ops.OpsCommand;
import dev.tether.routing.config.BackendConfig;
import dev.tether.routing.config.ServerConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.util.ResourceLeakDetector;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command line.
 *
 * <pre>
 *   tether                 the demo: three demo app servers on 127.0.0.1:9001..9003 and Tether on :8080
 *   tether demo            the same
 *   tether FILE            run with a configuration file
 *   tether run FILE        the same
 *   tether --check FILE    validate FILE, print a summary, exit 0 if valid and 2 if not
 *   tether servers | set-state | set-weight | route | reload [--admin HOST:PORT]
 *                          talk to a running Tether's admin listener ({@link OpsCommand})
 * </pre>
 *
 * <p>Running with a file, SIGHUP reloads it (as {@code tether reload} does).
 */
public final class ProxyMain {

    private static final Logger log = LoggerFactory.getLogger(ProxyMain.class);

    private ProxyMain() {}

    public static void main(String[] args) throws Exception {
        pooledAllocator();
        quietLeakDetector();
        System.exit(run(args));
    }

    /**
     * Netty 4.2's default buffer allocator ({@code adaptive}) cost about 1.5 µs of event-loop time per keep-alive
     * request more than the {@code pooled} one (thread-local caches of Netty 4.1's default): a proxy allocates a few
     * small, short-lived buffers per request (reads, encoded heads), which is what the pooled caches serve best
     * (bench/RESULTS.md, 2026-12-07). Set before any buffer class loads; an operator's {@code
     * -Dio.netty.allocator.type} wins.
     */
    static void pooledAllocator() {
        if (System.getProperty("io.netty.allocator.type") == null) {
            System.setProperty("io.netty.allocator.type", "pooled");
        }
    }

    /**
     * Netty's default leak detector records a stack trace for one buffer in 128: on a proxy that allocates a few
     * buffers per request, that is about 4 % of the event loop's user time (bench/RESULTS.md, 2026-11-22). The
     * test suites run with {@code -Dio.netty.leakDetection.level=paranoid}; a production process turns it off
     * unless the operator asks for a level.
     */
    static void quietLeakDetector() {
        if (System.getProperty("io.netty.leakDetection.level") == null
                && System.getProperty("io.netty.leakDetectionLevel") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
    }

    static int run(String[] args) throws Exception {
        if (args.length == 0 || (args.length == 1 && args[0].equals("demo"))) {
            return demo();
        }
        if (args[0].equals("--help") || args[0].equals("-h")) {
            System.out.println(usage());
            return 0;
        }
        if (OpsCommand.COMMANDS.contains(args[0])) {
            return new OpsCommand(System.out, System.err).run(args);
        }
        if (args[0].equals("--check") && args.length == 2) {
            return check(Path.of(args[1]));
        }
        if (args.length == 1 && !args[0].startsWith("-")) {
            return serve(Path.of(args[0]));
        }
        if (args.length == 2 && args[0].equals("run")) {
            return serve(Path.of(args[1]));
        }
        System.err.println("tether: cannot understand " + String.join(" ", args) + "\n" + usage());
        return 64;
    }

    private static String usage() {
        return """
                usage: tether                 run the demo (three demo servers and Tether on :8080)
                       tether FILE            run with a configuration file (SIGHUP reloads it)
                       tether --check FILE    validate a configuration file and print a summary
                """ + OpsCommand.USAGE.replaceFirst("^usage: ", "       ");
    }

    static int check(Path file) {
        return ConfigCheck.run(file, System.out, System.err);
    }

    private static int serve(Path file) throws InterruptedException {
        ProxyConfig config;
        try {
            config = ConfigLoader.load(file);
        } catch (InvalidConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        Tether tether = Tether.start(config).configFile(file).reloadOnSighup();
        awaitSignal(tether);
        return 0;
    }

    private static int demo() throws InterruptedException, IOException {
        ProxyConfig config;
        try (InputStream in = ProxyMain.class.getResourceAsStream("/tether/demo.conf")) {
            config = ConfigLoader.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "demo.conf (built in)");
        }
        Transport transport = Transport.best();
        EventLoopGroup demoGroup = transport.newGroup(1, "demo-servers");
        List<DemoServer> servers = new ArrayList<>();
        for (BackendConfig b : config.routing().backends()) {
            for (ServerConfig s : b.servers()) {
                servers.add(DemoServer.start(s.name(), s.host(), s.port(), demoGroup, transport.serverChannel()));
            }
        }
        Tether tether = Tether.start(config);
        int port = tether.server().port();
        System.out.println("""

                Tether demo is running: three demo app servers (%s) behind http://127.0.0.1:%d
                Try:
                  curl -i http://127.0.0.1:%d/                       # a server is picked and a cookie is set
                  curl -s -c /tmp/jar -b /tmp/jar http://127.0.0.1:%d/hello   # repeat: always the same server
                  for i in 1 2 3 4 5 6; do curl -s http://127.0.0.1:%d/; done  # no cookie: round-robin
                Stop with Ctrl-C.
                """.formatted(servers.stream().map(DemoServer::name).toList(), port, port, port, port));
        awaitSignal(tether);
        servers.forEach(DemoServer::stop);
        demoGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        return 0;
    }

    /** Blocks until SIGTERM/SIGINT, then stops gracefully within the drain timeout. */
    private static void awaitSignal(Tether tether) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("stopping: draining for up to {}", tether.server().config().drainTimeout());
            tether.stop();
            Logging.stop();
            stopped.countDown();
        }, "tether-shutdown"));
        stopped.await();
    }
}
