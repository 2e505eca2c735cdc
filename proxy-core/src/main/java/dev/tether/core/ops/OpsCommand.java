package dev.tether.core.ops;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code tether} subcommands that talk to a running Tether's admin listener:
 *
 * <pre>
 *   tether servers                                 backends and servers with state, health, weight, in flight
 *   tether set-state BACKEND SERVER ready|drain|maint
 *   tether set-weight BACKEND SERVER N
 *   tether route PATH [--method M] [--host H] [--cookie NAME=VALUE]... [--header 'Name: value']...
 *   tether reload                                  reload the configuration file; prints the diff or the errors
 *   tether pins                                    shard keys kept on their old server after a map change
 *   tether release-pin RULE UUID | release-pins    let one key (or every moved key) follow the map now
 *   options: --admin HOST:PORT (default 127.0.0.1:8404), --user USER:PASSWORD (admin basic auth),
 *            --token TOKEN (admin.api-token; default: the TETHER_ADMIN_TOKEN environment variable)
 * </pre>
 *
 * Exit codes: 0 done, 1 refused (bad request, invalid configuration), 69 admin listener unreachable, 64 bad usage.
 */
public final class OpsCommand {

    public static final List<String> COMMANDS =
            List.of("servers", "set-state", "set-weight", "route", "reload", "pins", "release-pin", "release-pins");

    public static final String USAGE = """
            usage: tether servers                             list backends and servers (state, health, weight)
                   tether set-state BACKEND SERVER STATE      STATE = ready | drain | maint
                   tether set-weight BACKEND SERVER N         a runtime weight (0..256) until the next reload
                   tether route PATH [--method M] [--host H] [--cookie NAME=VALUE] [--header 'Name: value']
                                                              where such a request would go (dry run)
                   tether reload                              reload the configuration file of the running Tether
                   tether pins                                shard keys kept on their old server after a map change
                   tether release-pin RULE UUID               let one moved key follow the map now
                   tether release-pins                        let every moved key follow the map now
            options: --admin HOST:PORT (default 127.0.0.1:8404), --user USER:PASSWORD (admin basic auth),
                     --token TOKEN (admin.api-token; default $TETHER_ADMIN_TOKEN)""";

    private static final Pattern RELOAD_ID = Pattern.compile("\"id\":(\\d+)");

    private final PrintStream out;
    private final PrintStream err;
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String admin = "127.0.0.1:8404";
    private String auth;

    public OpsCommand(PrintStream out, PrintStream err) {
        this(out, err, System.getenv("TETHER_ADMIN_TOKEN"));
    }

    /** @param token the admin API token, or {@code null} ({@code --token} overrides it) */
    public OpsCommand(PrintStream out, PrintStream err, String token) {
        this.out = out;
        this.err = err;
        this.auth = token == null || token.isBlank() ? null : "Bearer " + token.strip();
    }

    /** Runs one subcommand; returns the exit code. */
    public int run(String[] args) throws InterruptedException {
        List<String> words = new ArrayList<>();
        List<String> cookies = new ArrayList<>();
        List<String> headers = new ArrayList<>();
        String method = "GET";
        String host = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            boolean option = a.startsWith("--");
            if (option && i + 1 >= args.length) {
                return usage("option " + a + " needs a value");
            }
            switch (a) {
                case "--admin" -> admin = args[++i];
                case "--user" -> auth = "Basic " + Base64.getEncoder()
                        .encodeToString(args[++i].getBytes(StandardCharsets.UTF_8));
                case "--token" -> auth = "Bearer " + args[++i];
                case "--cookie" -> cookies.add(args[++i]);
                case "--header" -> headers.add(args[++i]);
                case "--method" -> method = args[++i];
                case "--host" -> host = args[++i];
                default -> {
                    if (option) {
                        return usage("unknown option " + a);
                    }
                    words.add(a);
                }
            }
        }
        if (words.isEmpty()) {
            return usage("no command");
        }
        try {
            return switch (words.get(0)) {
                case "servers" -> words.size() == 1 ? servers() : usage("servers takes no arguments");
                case "set-state" -> words.size() == 4
                        ? post("/api/servers/" + words.get(1) + "/" + words.get(2) + "/state?state="
                                + enc(words.get(3)))
                        : usage("set-state BACKEND SERVER STATE");
                case "set-weight" -> words.size() == 4
                        ? post("/api/servers/" + words.get(1) + "/" + words.get(2) + "/weight?value="
                                + enc(words.get(3)))
                        : usage("set-weight BACKEND SERVER N");
                case "route" -> words.size() == 2 ? route(words.get(1), method, host, cookies, headers)
                        : usage("route PATH");
                case "reload" -> words.size() == 1 ? reload() : usage("reload takes no arguments");
                case "pins" -> words.size() == 1 ? get("/api/pins") : usage("pins takes no arguments");
                case "release-pin" -> words.size() == 3
                        ? post("/api/pins/release?rule=" + enc(words.get(1)) + "&key=" + enc(words.get(2)))
                        : usage("release-pin RULE UUID");
                case "release-pins" -> words.size() == 1 ? post("/api/pins/release?moved=all")
                        : usage("release-pins takes no arguments");
                default -> usage("unknown command " + words.get(0));
            };
        } catch (IOException e) {
            err.println("tether: cannot reach the admin listener at " + admin + " (" + e
                    + "); is Tether running with tether.admin enabled? Use --admin HOST:PORT");
            return 69;
        }
    }

    private int usage(String problem) {
        err.println("tether: " + problem + "\n" + USAGE);
        return 64;
    }

    private int servers() throws IOException, InterruptedException {
        HttpResponse<String> r = send("GET", "/api/servers");
        if (r.statusCode() != 200) {
            return failed(r);
        }
        out.print(ServersTable.render(r.body()));
        return 0;
    }

    private int route(String path, String method, String host, List<String> cookies, List<String> headers)
            throws IOException, InterruptedException {
        StringBuilder q = new StringBuilder("/api/route?path=").append(enc(path)).append("&method=").append(enc(method));
        if (host != null) {
            q.append("&host=").append(enc(host));
        }
        cookies.forEach(c -> q.append("&cookie=").append(enc(c)));
        headers.forEach(h -> q.append("&header=").append(enc(h)));
        HttpResponse<String> r = send("GET", q.toString());
        if (r.statusCode() != 200) {
            return failed(r);
        }
        out.print(r.body());
        return 0;
    }

    private int get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = send("GET", path);
        if (r.statusCode() != 200) {
            return failed(r);
        }
        out.print(r.body());
        return 0;
    }

    private int post(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = send("POST", path);
        if (r.statusCode() != 200) {
            return failed(r);
        }
        out.print(r.body());
        return 0;
    }

    /** Asks for a reload, then waits (up to a minute) for its result. */
    private int reload() throws IOException, InterruptedException {
        HttpResponse<String> started = send("POST", "/api/reload");
        if (started.statusCode() != 202) {
            return failed(started);
        }
        Matcher m = RELOAD_ID.matcher(started.body());
        long id = m.find() ? Long.parseLong(m.group(1)) : Long.MAX_VALUE;
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = send("GET", "/api/reload");
            Matcher done = RELOAD_ID.matcher(r.body());
            if (r.statusCode() == 200 && done.find() && Long.parseLong(done.group(1)) >= id
                    && !r.body().contains("\"state\":\"running\"")) {
                out.print(r.body());
                return r.body().contains("\"state\":\"refused\"") ? 1 : 0;
            }
            Thread.sleep(100); // a CLI polling a server, not a test waiting on async state
        }
        err.println("tether: reload #" + id + " did not finish within a minute; see GET /api/reload");
        return 1;
    }

    private int failed(HttpResponse<String> r) {
        err.print("tether: " + r.statusCode() + " " + r.body());
        if (r.statusCode() == 401) {
            err.println("tether: the admin listener wants credentials: --token TOKEN (or TETHER_ADMIN_TOKEN)"
                    + " for admin.api-token, --user USER:PASSWORD for basic auth");
        }
        return 1;
    }

    private HttpResponse<String> send(String method, String pathAndQuery) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + admin + pathAndQuery))
                .timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
