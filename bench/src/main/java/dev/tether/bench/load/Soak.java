package dev.tether.bench.load;

import dev.tether.core.Tether;
import dev.tether.core.config.ConfigLoader;
import dev.tether.core.log.ExchangeListener;
import dev.tether.core.log.ExchangeRecord;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The on-demand soak of issue 9 (not run in CI): mixed traffic through an in-process Tether for a while, with servers
 * killed and restarted, then an account of every request and of the heap.
 *
 * <pre>
 *   bench/soak.sh [--seconds 600]          (or: java -cp bench/target/benchmarks.jar dev.tether.bench.load.Soak ...)
 * </pre>
 *
 * <p>Traffic, each kind from its own threads with plain blocking sockets, paced so the machine stays usable:
 * keep-alive GETs, one-request connections ({@code Connection: close}), 256 KiB uploads on keep-alive connections,
 * and websocket sessions of 20 echoed messages. Every 30 seconds one of three {@link BackendFarm} servers is stopped
 * (listener and connections closed) and started again 10 seconds later.
 *
 * <p>Every request ends in exactly one outcome, counted once: a response (by status), or a definite close or reset of
 * the connection (a cut transfer, a tunnel whose server died). A request still unanswered after 60 seconds counts
 * as a hang, and bytes arriving after a complete response as a duplicate answer; the run fails on either, on
 * {@code sent != outcomes}, on Tether logging another number of exchanges than HTTP requests were sent, or on a
 * heap that did not return near its baseline (used heap after full GCs, before and after the load, in this JVM, which
 * holds Tether, the servers and the clients).
 */
public final class Soak {

    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);
    private static final int UPLOAD_BYTES = 256 * 1024;

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final LongAdder sent = new LongAdder();
    private final LongAdder httpSent = new LongAdder();
    private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    private final LongAdder hangs = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder exchanges = new LongAdder();
    private final LongAdder kills = new LongAdder();
    private final LongAdder refusedConnects = new LongAdder();
    private final AtomicLong firstProblemAt = new AtomicLong(-1);
    private final byte[] upload = new byte[UPLOAD_BYTES];
    private int port;

    public static void main(String[] args) throws Exception {
        long seconds = 600;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--seconds") && i + 1 < args.length) {
                seconds = Long.parseLong(args[++i]);
            } else {
                System.err.println("usage: Soak [--seconds N]   (default 600)");
                System.exit(2);
            }
        }
        // Hundreds of access lines a second on the console would be most of the soak's work: the counts come from
        // an ExchangeListener instead.
        if (org.slf4j.LoggerFactory.getLogger("tether.access") instanceof ch.qos.logback.classic.Logger access) {
            access.setLevel(ch.qos.logback.classic.Level.OFF);
        }
        System.exit(new Soak().run(Duration.ofSeconds(seconds)) ? 0 : 1);
    }

    private boolean run(Duration duration) throws Exception {
        try (BackendFarm farm = BackendFarm.start(3, BackendFarm.Options.defaults())) {
            List<String> servers = new ArrayList<>();
            for (int i = 0; i < farm.size(); i++) {
                // Commas matter: HOCON merges objects that merely follow each other into one.
                servers.add("{ name = " + farm.id(i) + ", address = \"127.0.0.1:" + farm.port(i) + "\" }");
            }
            String conf = """
                    tether {
                      admin.enabled = off
                      listeners = [ { name = http, address = "127.0.0.1", port = 0 } ]
                      default-backend = app
                      backends { app {
                        health-check { enabled = on, interval = 1s, fast-interval = 500ms, down-interval = 1s, fall = 2 }
                        servers = [ %s ]
                      } }
                    }
                    """.formatted(String.join(", ", servers));
            Tether tether = Tether.start(ConfigLoader.parse(conf, "soak.conf"), new ExchangeListener() {
                @Override
                public void exchangeFinished(ExchangeRecord record) {
                    exchanges.increment(); // a websocket's exchange is logged when its tunnel closes
                }
            });
            try {
                port = tether.server().port();
                return soak(farm, duration);
            } finally {
                tether.stop();
            }
        }
    }

    private boolean soak(BackendFarm farm, Duration duration) throws Exception {
        ThreadLocalRandom.current().nextBytes(upload);
        System.err.printf(Locale.ROOT, "soak: Tether on 127.0.0.1:%d, %d servers, %d s of traffic%n", port, farm.size(),
                duration.toSeconds());
        // Warm up (classes loaded, pools and JIT settled), then measure the heap at rest.
        runTraffic(farm, Duration.ofSeconds(10), false);
        long baseline = heapAfterGc();
        long sentBefore = sent.sum();
        long httpBefore = httpSent.sum();
        long exchangesBefore = exchanges.sum();
        Map<String, Long> outcomesBefore = snapshot();
        long t0 = System.nanoTime();
        runTraffic(farm, duration, true);
        double seconds = (System.nanoTime() - t0) / 1e9;
        // Let Tether finish what the closed client connections left (access records, pooled connections expire).
        Thread.sleep(2000);
        long after = heapAfterGc();

        long total = sent.sum() - sentBefore;
        long http = httpSent.sum() - httpBefore;
        long logged = exchanges.sum() - exchangesBefore;
        Map<String, Long> byOutcome = new TreeMap<>();
        snapshot().forEach((k, v) -> {
            long n = v - outcomesBefore.getOrDefault(k, 0L);
            if (n > 0) {
                byOutcome.put(k, n);
            }
        });
        long answered = byOutcome.values().stream().mapToLong(Long::longValue).sum();
        boolean accounted = answered == total;
        boolean allLogged = logged == http;
        long allowed = baseline + Math.max(16L << 20, baseline / 4);
        boolean heapOk = after <= allowed;
        System.out.printf(Locale.ROOT, "soak: %.0f s, %d requests sent (%.0f/s; %d HTTP, %d websocket messages), "
                + "%d servers killed and restarted%n", seconds, total, total / seconds, http, total - http, kills.sum());
        System.out.println("soak: outcomes " + byOutcome);
        System.out.printf(Locale.ROOT, "soak: every request got exactly one answer: %s (outcomes %d of %d sent, "
                + "%d hangs, %d duplicate answers)%n", accounted && hangs.sum() == 0 && duplicates.sum() == 0
                ? "yes" : "NO", answered, total, hangs.sum(), duplicates.sum());
        System.out.printf(Locale.ROOT, "soak: Tether logged one exchange per HTTP request: %s (%d exchanges, %d requests)%n",
                allLogged ? "yes" : "NO", logged, http);
        System.out.printf(Locale.ROOT, "soak: heap used after full GC: baseline %.1f MB, after %.1f MB (allowed %.1f MB): %s%n",
                baseline / 1048576.0, after / 1048576.0, allowed / 1048576.0, heapOk ? "back to baseline" : "GREW");
        if (refusedConnects.sum() > 0) {
            System.out.println("soak: Tether refused " + refusedConnects.sum() + " connections");
        }
        return accounted && allLogged && heapOk && hangs.sum() == 0 && duplicates.sum() == 0
                && refusedConnects.sum() == 0;
    }

    private Map<String, Long> snapshot() {
        Map<String, Long> m = new TreeMap<>();
        outcomes.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Runs every kind of traffic (and the server killer when {@code chaos}) for {@code duration}. */
    private void runTraffic(BackendFarm farm, Duration duration, boolean chaos) throws InterruptedException {
        running.set(true);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            threads.add(start("keep-alive-" + i, () -> keepAlive(false)));
        }
        for (int i = 0; i < 4; i++) {
            threads.add(start("new-connection-" + i, this::newConnections));
        }
        for (int i = 0; i < 2; i++) {
            threads.add(start("upload-" + i, () -> keepAlive(true)));
            threads.add(start("websocket-" + i, this::websockets));
        }
        if (chaos) {
            threads.add(start("killer", () -> killServers(farm)));
        }
        Thread.sleep(duration.toMillis());
        running.set(false);
        for (Thread t : threads) {
            t.interrupt(); // wakes the pacing sleeps; blocked socket reads end with their own timeouts
        }
        for (Thread t : threads) {
            t.join(ANSWER_TIMEOUT.toMillis() + 5000);
        }
        for (int i = 0; i < farm.size(); i++) {
            if (!farm.isUp(farm.id(i))) {
                farm.restart(i);
            }
        }
    }

    private Thread start(String name, Runnable body) {
        Thread t = new Thread(body, "soak-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void outcome(String what) {
        outcomes.computeIfAbsent(what, k -> new LongAdder()).increment();
    }

    private void problem() {
        firstProblemAt.compareAndSet(-1, System.currentTimeMillis());
    }

    private static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- kinds of traffic

    /** GETs (or uploads) on one keep-alive connection, opening a new one whenever Tether closes it. */
    private void keepAlive(boolean uploads) {
        Socket s = null;
        long n = 0;
        while (running.get()) {
            try {
                if (s == null) {
                    s = connect();
                }
                String head = uploads
                        ? "POST /upload/" + n + " HTTP/1.1\r\nHost: soak\r\nContent-Length: " + UPLOAD_BYTES + "\r\n\r\n"
                        : "GET /keep-alive/" + n + " HTTP/1.1\r\nHost: soak\r\n\r\n";
                n++;
                OutputStream out = s.getOutputStream();
                sent.increment();
                httpSent.increment();
                out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                if (uploads) {
                    out.write(upload);
                }
                out.flush();
                Response r = readResponse(s.getInputStream());
                outcome(String.valueOf(r.status));
                if (r.close) {
                    expectClose(s);
                    s.close();
                    s = null;
                } else if (s.getInputStream().available() > 0) {
                    duplicates.increment(); // bytes nobody asked for: a second answer, or a smuggled one
                    problem();
                    s.close();
                    s = null;
                }
            } catch (IOException e) {
                outcomeOfFailure(e);
                closeQuietly(s);
                s = null;
            }
            if (!pause(uploads ? 100 : 20)) {
                break;
            }
        }
        closeQuietly(s);
    }

    /** One request per connection, {@code Connection: close}. */
    private void newConnections() {
        long n = 0;
        while (running.get()) {
            try (Socket s = connect()) {
                sent.increment();
                httpSent.increment();
                s.getOutputStream().write(("GET /new/" + n++ + " HTTP/1.1\r\nHost: soak\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                Response r = readResponse(s.getInputStream());
                outcome(String.valueOf(r.status));
                expectClose(s);
            } catch (IOException e) {
                outcomeOfFailure(e);
            }
            if (!pause(50)) {
                break;
            }
        }
    }

    /** Websocket sessions: the upgrade counts as an HTTP request, each echoed message as a request of its own. */
    private void websockets() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (running.get()) {
            try (Socket s = connect()) {
                sent.increment();
                httpSent.increment();
                s.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: soak\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                Response r;
                try {
                    r = readResponse(s.getInputStream());
                } catch (IOException e) {
                    outcomeOfFailure(e);
                    continue;
                }
                outcome(String.valueOf(r.status));
                if (r.status != 101) {
                    if (r.close) {
                        expectClose(s);
                    }
                    continue;
                }
                for (int i = 0; i < 20 && running.get(); i++) {
                    byte[] text = ("message " + i + " " + random.nextLong()).getBytes(StandardCharsets.UTF_8);
                    sent.increment();
                    try {
                        writeFrame(s.getOutputStream(), 0x1, text);
                        byte[] echo = readFrame(s.getInputStream());
                        outcome(java.util.Arrays.equals(echo, text) ? "ws-echo" : "ws-wrong-echo");
                    } catch (IOException e) {
                        outcomeOfFailure(e, "ws-");
                        throw e;
                    }
                    pause(20);
                }
                writeFrame(s.getOutputStream(), 0x8, new byte[0]);
            } catch (java.net.ConnectException e) {
                outcomeOfFailure(e);
            } catch (IOException counted) {
                // counted where it happened
            }
            if (!pause(100)) {
                break;
            }
        }
    }

    /** Every 30 s, stops one server and starts it again 10 s later. */
    private void killServers(BackendFarm farm) {
        while (running.get()) {
            if (!pause(20_000)) {
                return;
            }
            int victim = ThreadLocalRandom.current().nextInt(farm.size());
            farm.stop(victim);
            kills.increment();
            boolean slept = pause(10_000);
            farm.restart(victim);
            if (!slept) {
                return;
            }
        }
    }

    // ---------------------------------------------------------------- wire

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout((int) ANSWER_TIMEOUT.toMillis());
        s.setTcpNoDelay(true);
        return s;
    }

    private void outcomeOfFailure(IOException e) {
        if (e instanceof java.net.ConnectException) {
            refusedConnects.increment(); // nothing was sent on it
            problem();
            return;
        }
        outcomeOfFailure(e, "");
    }

    /** Counts a request that ended without a response: a definite close or reset, or a hang. */
    private void outcomeOfFailure(IOException e, String prefix) {
        if (e instanceof SocketTimeoutException) {
            hangs.increment();
            problem();
            outcome(prefix + "hang");
        } else if (e instanceof EOFException) {
            outcome(prefix + "closed");
        } else {
            outcome(prefix + "reset");
        }
    }

    /** After a response with {@code Connection: close} nothing may follow but the close itself. */
    private void expectClose(Socket s) throws IOException {
        int b;
        try {
            b = s.getInputStream().read();
        } catch (IOException reset) {
            return;
        }
        if (b >= 0) {
            duplicates.increment();
            problem();
        }
    }

    private record Response(int status, boolean close) {}

    /** Reads one response (Content-Length, chunked, or none for 101/204/304). */
    private static Response readResponse(InputStream in) throws IOException {
        String head = readLine(in);
        if (!head.startsWith("HTTP/1.")) {
            throw new IOException("not a status line: " + head);
        }
        int status = Integer.parseInt(head.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean close = head.startsWith("HTTP/1.0");
        String line;
        while (!(line = readLine(in)).isEmpty()) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:")) {
                close = lower.contains("close") || (close && !lower.contains("keep-alive"));
            }
        }
        if (status == 101 || status == 204 || status == 304 || (status >= 100 && status < 200)) {
            return new Response(status, false);
        }
        if (chunked) {
            long size;
            while ((size = Long.parseLong(readLine(in).split(";")[0].trim(), 16)) > 0) {
                skip(in, size + 2);
            }
            while (!readLine(in).isEmpty()) {
                // trailers
            }
        } else if (length >= 0) {
            skip(in, length);
        } else {
            in.transferTo(OutputStream.nullOutputStream());
            close = true;
        }
        return new Response(status, close);
    }

    private static void skip(InputStream in, long n) throws IOException {
        while (n > 0) {
            long k = in.skip(n);
            if (k <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("cut after a partial body");
                }
                k = 1;
            }
            n -= k;
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new EOFException("closed");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** A masked client frame (RFC 6455 section 5.2) with a payload under 126 bytes. */
    private static void writeFrame(OutputStream out, int opcode, byte[] payload) throws IOException {
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        byte[] frame = new byte[2 + 4 + payload.length];
        frame[0] = (byte) (0x80 | opcode);
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        out.write(frame);
        out.flush();
    }

    /** The payload of an unmasked server frame under 126 bytes. */
    private static byte[] readFrame(InputStream in) throws IOException {
        int b0 = in.read();
        int b1 = in.read();
        if (b0 < 0 || b1 < 0) {
            throw new EOFException("tunnel closed");
        }
        int length = b1 & 0x7f;
        if (length > 125) {
            throw new IOException("unexpected frame length " + length);
        }
        byte[] payload = in.readNBytes(length);
        if (payload.length < length) {
            throw new EOFException("tunnel closed mid-frame");
        }
        return payload;
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
