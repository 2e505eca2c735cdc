package dev.tether.core.log;

/** Builds {@link ExchangeRecord}s for tests: a plain 200 GET on api/s1 unless told otherwise. */
public final class Exchanges {

    private String listener = "main";
    private String clientAddress = "127.0.0.1";
    private int clientPort = 50000;
    private long startEpochMillis = 1_700_000_000_123L;
    private String method = "GET";
    private String uri = "/";
    private String backend = "api";
    private String server = "s1";
    private String reason = "BALANCED";
    private String cookieStatus = "NONE";
    private boolean cookieSet;
    private int attempts = 1;
    private int status = 200;
    private long bytesIn;
    private long bytesOut;
    private long requestReadNanos = -1;
    private long queueNanos;
    private long connectNanos = 1_000_000;
    private long responseNanos = 5_000_000;
    private long totalNanos = 6_000_000;
    private TerminationState termination = TerminationState.NORMAL;
    private boolean tunnel;

    public static Exchanges exchange() {
        return new Exchanges();
    }

    public Exchanges listener(String v) { listener = v; return this; }
    public Exchanges client(String address, int port) { clientAddress = address; clientPort = port; return this; }
    public Exchanges start(long epochMillis) { startEpochMillis = epochMillis; return this; }
    public Exchanges method(String v) { method = v; return this; }
    public Exchanges uri(String v) { uri = v; return this; }
    public Exchanges to(String b, String s) { backend = b; server = s; return this; }
    public Exchanges reason(String v) { reason = v; return this; }
    public Exchanges cookie(String v, boolean set) { cookieStatus = v; cookieSet = set; return this; }
    public Exchanges attempts(int v) { attempts = v; return this; }
    public Exchanges status(int v) { status = v; return this; }
    public Exchanges bytes(long in, long out) { bytesIn = in; bytesOut = out; return this; }
    public Exchanges timers(long queue, long connect, long response, long total) {
        queueNanos = queue; connectNanos = connect; responseNanos = response; totalNanos = total; return this;
    }
    public Exchanges requestRead(long nanos) { requestReadNanos = nanos; return this; }
    public Exchanges millis(long response, long total) {
        responseNanos = response * 1_000_000; totalNanos = total * 1_000_000; return this;
    }
    public Exchanges termination(TerminationState v) { termination = v; return this; }
    public Exchanges tunnel(boolean v) { tunnel = v; return this; }

    public ExchangeRecord build() {
        return new ExchangeRecord(listener, clientAddress, clientPort, startEpochMillis, method, uri, backend, server,
                reason, cookieStatus, cookieSet, attempts, status, bytesIn, bytesOut, requestReadNanos, queueNanos,
                connectNanos, responseNanos, totalNanos, termination, tunnel);
    }
}
