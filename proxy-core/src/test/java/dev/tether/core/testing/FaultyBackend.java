package dev.tether.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server on 127.0.0.1 port 0 that answers with exact bytes, however wrong, so a test can see what the proxy does
 * with them. Plain blocking sockets, one thread per connection: test code, never on an event loop.
 *
 * <p>Requests must have no body. Each path answers what {@link #on} registered; anything else gets a well-formed
 * {@code 200} whose body is {@code ok <path> #<connection>} on a kept-alive connection, which lets a test see
 * whether the proxy reused a connection.
 */
public final class FaultyBackend implements AutoCloseable {

    /** What to do after writing the answer. */
    public enum After { KEEP_OPEN, CLOSE, HANG }

    private record Answer(List<byte[]> parts, After after) {
        Answer(byte[] bytes, After after) {
            this(List.of(bytes), after);
        }
    }

    /** Pause between the parts of an answer given to {@link #onInParts}, so they reach the proxy in separate reads. */
    private static final long PART_PAUSE_MILLIS = 200;

    private final ServerSocket server;
    private final Thread acceptor;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    public FaultyBackend() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::accept, "faulty-backend-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Answers {@code path} with exactly {@code raw} (ISO-8859-1), then does {@code after}. */
    public FaultyBackend on(String path, String raw, After after) {
        answers.put(path, new Answer(raw.getBytes(StandardCharsets.ISO_8859_1), after));
        return this;
    }

    /**
     * Answers {@code path} with {@code parts} written one by one, each flushed and followed by a short pause, as a
     * server that sends its head and then its body later does.
     */
    public FaultyBackend onInParts(String path, After after, String... parts) {
        answers.put(path, new Answer(java.util.Arrays.stream(parts)
                .map(p -> p.getBytes(StandardCharsets.ISO_8859_1)).toList(), after));
        return this;
    }

    /** Requests received on {@code path}. */
    public int count(String path) {
        AtomicInteger c = counts.get(path);
        return c == null ? 0 : c.get();
    }

    /** TCP connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                int id = connections.incrementAndGet();
                Thread t = new Thread(() -> serve(s, id), "faulty-backend-" + id);
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket s, int id) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                String path = head.split(" ", 3)[1];
                counts.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
                Answer a = answers.get(path);
                if (a == null) {
                    String body = "ok " + path + " #" + id;
                    a = new Answer(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                            .getBytes(StandardCharsets.ISO_8859_1), After.KEEP_OPEN);
                }
                for (int i = 0; i < a.parts().size(); i++) {
                    if (i > 0) {
                        pause();
                    }
                    out.write(a.parts().get(i));
                    out.flush();
                }
                if (a.after() == After.CLOSE) {
                    return;
                }
                if (a.after() == After.HANG) {
                    in.transferTo(OutputStream.nullOutputStream()); // until the proxy gives up and closes
                    return;
                }
            }
        } catch (IOException gone) {
            // the proxy closed the connection
        }
    }

    private static void pause() throws IOException {
        try {
            Thread.sleep(PART_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) ? state + 1
                    : (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
            if (state == 4) {
                return b.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
